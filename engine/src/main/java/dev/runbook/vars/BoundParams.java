package dev.runbook.vars;

import dev.runbook.model.Inventory;
import dev.runbook.model.Param;
import dev.runbook.model.ParamType;
import dev.runbook.secret.Masker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The params of one run, typed, with where each value came from.
 *
 * @param declared the runbook's param declarations
 * @param values   name to typed value; a param with no value is absent
 * @param sources  name to where its value came from: {@code default}, {@code env NAME}, {@code --vars FILE}, {@code --set}
 * @param inventory the hosts of {@code --inventory FILE}, for targets written {@code ssh: "@GROUP"};
 *                  {@link Inventory#NONE} when none was given
 */
public record BoundParams(Map<String, Param> declared, Map<String, Object> values, Map<String, String> sources,
                          Inventory inventory) {

    public BoundParams {
        inventory = inventory == null ? Inventory.NONE : inventory;
    }

    /** Params without an inventory. */
    public BoundParams(Map<String, Param> declared, Map<String, Object> values, Map<String, String> sources) {
        this(declared, values, sources, Inventory.NONE);
    }

    /** Names of the secret params. */
    public Set<String> secretNames() {
        return declared.values().stream().filter(Param::secret).map(Param::name).collect(Collectors.toSet());
    }

    /** Names of the params of type {@code command}. */
    public Set<String> commandNames() {
        return declared.values().stream().filter(p -> p.type() == ParamType.COMMAND).map(Param::name)
                .collect(Collectors.toSet());
    }

    /** A masker for every secret value of this run. */
    public Masker masker() {
        List<String> secrets = new java.util.ArrayList<>();
        secretNames().stream().map(values::get).filter(java.util.Objects::nonNull).forEach(v -> collect(v, secrets));
        return new Masker(secrets);
    }

    /** A value's text and, for lists and maps, each element's: every part of a secret is a secret. */
    private static void collect(Object v, List<String> out) {
        out.add(dev.runbook.expr.Values.text(v));
        if (v instanceof java.util.Collection<?> c) {
            c.forEach(x -> collect(x, out));
        } else if (v instanceof java.util.Map<?, ?> m) {
            m.values().forEach(x -> collect(x, out));
        }
    }
}
