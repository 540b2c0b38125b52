package dev.runbook.parse;

import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses an {@code ssh} target: its hosts (templates, or {@code @GROUP} for the hosts of an inventory group), the
 * rollout of a fleet ({@code serial}, {@code max_fail}, {@code forks}) and how it logs in ({@code known_hosts},
 * {@code identity}, {@code passphrase}, {@code password}, {@code jump}, {@code connect_timeout}).
 */
final class SshTargetParser {

    private static final Pattern COUNT_OR_PERCENT = Pattern.compile("[0-9]+%?");
    /** An inventory group's name, after the {@code @}. */
    static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]+");

    private SshTargetParser() {
    }

    /** Keys a target of another kind may not have: each is reported. */
    static void refuseSshKeys(Fields t) {
        for (String k : t.keys()) {
            if (Keys.SSH_FLEET.contains(k) || Keys.SSH_LOGIN.contains(k)) {
                t.problem(k, "'" + k + "' applies to ssh targets only");
            }
        }
    }

    static Optional<Target> ssh(String name, Fields t, String description, SourceLocation at) {
        List<Text> hosts = TargetFactParser.textOrList(t, "ssh");
        groups(t, hosts);
        Optional<String> serial = countOrPercent(t, "serial");
        Optional<String> maxFail = countOrPercent(t, "max_fail");
        Optional<Integer> forks = t.integer("forks", 1);
        Target.SshLogin login = new Target.SshLogin(t.text("known_hosts").orElse(null),
                t.text("identity").orElse(null), t.text("passphrase").orElse(null), t.text("password").orElse(null),
                t.text("jump").orElse(null), t.duration("connect_timeout").orElse(null));
        return Optional.of(new Target.Ssh(name, hosts, serial.orElse(null), maxFail.orElse(null), forks.orElse(null),
                login, description, at));
    }

    /** An {@code @GROUP} entry is the whole entry, names a group plainly, and is the only host of the target. */
    private static void groups(Fields t, List<Text> hosts) {
        NodeReader r = t.reader();
        Node n = t.node("ssh").orElseThrow();
        List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
        if (items.size() != hosts.size()) {
            return;
        }
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i).source().strip();
            String path = n instanceof SequenceNode ? t.child("ssh") + "[" + i + "]" : t.child("ssh");
            if (!h.startsWith("@")) {
                continue;
            }
            String group = h.substring(1);
            if (!GROUP.matcher(group).matches()) {
                r.problem(items.get(i), path, "'" + h + "' is not an inventory group: write '@' and the group's name"
                        + " only (letters, digits, '_', '-'), such as '@web'");
            } else if (hosts.size() > 1) {
                r.problem(items.get(i), path, "the group '" + h + "' must be the only entry of 'ssh': write"
                        + " ssh: \"" + h + "\" and list every host in the group of the inventory");
            }
        }
    }

    private static Optional<String> countOrPercent(Fields t, String key) {
        Optional<String> v = t.string(key);
        if (v.isPresent() && !COUNT_OR_PERCENT.matcher(v.get()).matches()) {
            t.problem(key, "'" + key + "' must be a count (2) or a percentage (25%), not '" + v.get() + "'");
            return Optional.empty();
        }
        return v;
    }
}
