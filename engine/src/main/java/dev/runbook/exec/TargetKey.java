package dev.runbook.exec;

import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.vars.BoundParams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The lock key of a run: the runbook's name and the hosts its targets reach, so one customer's deploys exclude each other. */
final class TargetKey {

    private TargetKey() {
    }

    static String of(Runbook runbook, BoundParams params) {
        String hosts = String.join(",", hosts(runbook, params));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(hosts.getBytes(StandardCharsets.UTF_8));
            return runbook.name() + "--" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hosts of every target, rendered with the params: {@code local}, {@code ssh:deploy@app1}, ... */
    static List<String> hosts(Runbook runbook, BoundParams params) {
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", params.values());
        RenderOptions plain = new RenderOptions(false, Set.of(), Set.of(), false);
        List<String> out = new ArrayList<>();
        for (Target t : runbook.targets().values()) {
            if (t instanceof Target.Ssh s) {
                dev.runbook.vars.TargetHosts.of(s, params).forEach(h -> out.add("ssh:" + h.address()));
            } else if (t instanceof Target.Docker d) {
                String url = d.url() == null ? "default" : render(d.url(), roots, plain);
                out.add("docker:" + (d.via() == null ? "" : "via " + d.via() + ":") + url);
            } else {
                out.add("local");
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    private static String render(Text t, Map<String, Object> roots, RenderOptions o) {
        try {
            return Expressions.template(t).render(roots, o);
        } catch (RuntimeException e) {
            return t.source();
        }
    }
}
