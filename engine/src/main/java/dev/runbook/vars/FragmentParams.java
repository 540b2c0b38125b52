package dev.runbook.vars;

import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.model.Param;
import dev.runbook.model.ParamType;
import dev.runbook.model.ParamValues;
import dev.runbook.model.Step;
import dev.runbook.model.Text;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The params of an included fragment, bound by the including step's {@code with} (rendered in the including
 * scope) or their defaults. A fragment param is secret when declared so or bound from a secret; the fragment's
 * {@code command} params are spliced unquoted. Plan and run bind fragments the same way, through this.
 *
 * @param values  typed values; a param whose value cannot be known yet is absent
 * @param options how the fragment's templates render: its command params and every secret name path
 */
public record FragmentParams(Map<String, Object> values, RenderOptions options) {

    /**
     * @param outer  how the including scope renders (its secrets: those that are not params stay secret inside)
     * @param render the value of a {@code with} template in the including scope, or null when it cannot be known
     */
    public static FragmentParams bind(Step.Include inc, RenderOptions outer, Function<Text, Object> render) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<List<String>> secrets = new HashSet<>();
        outer.secrets().stream().filter(x -> !x.get(0).equals("params")).forEach(secrets::add);
        Set<String> commands = new HashSet<>();
        for (Param p : inc.fragment().params().values()) {
            Text bound = inc.with().get(p.name());
            if (p.secret() || (bound != null && readsSecret(bound, outer.secrets()))) {
                secrets.add(List.of("params", p.name()));
            }
            if (p.type() == ParamType.COMMAND) {
                commands.add(p.name());
            }
            Object raw = bound == null ? p.defaultValue() : render.apply(bound);
            if (raw != null) {
                ParamValues.Result r = ParamValues.coerce(p.type(), raw);
                values.put(p.name(), r.ok() ? r.value() : raw);
            }
        }
        return new FragmentParams(values, new RenderOptions(outer.shell(), commands, secrets, outer.maskSecrets()));
    }

    /** Whether the param is secret inside the fragment. */
    public boolean secret(String name) {
        return options.secrets().contains(List.of("params", name));
    }

    private static boolean readsSecret(Text t, Set<List<String>> secrets) {
        return Expressions.template(t).expressions().stream().flatMap(e -> e.references().stream())
                .anyMatch(r -> secrets.stream().anyMatch(x -> r.size() >= x.size() && r.subList(0, x.size()).equals(x)));
    }
}
