package dev.runbook.vars;

import dev.runbook.diag.InputException;
import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Param;
import dev.runbook.model.ParamValues;
import dev.runbook.model.Inventory;
import dev.runbook.parse.InventoryParser;
import dev.runbook.parse.NodeReader;
import dev.runbook.parse.YamlLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Gives each param its value for a run. Later sources win: the default, the param's environment variable,
 * each {@code --vars} file in order, then {@code --set}. Every value is checked against the param's type and
 * allowed values; every problem (unknown names, bad values, missing required params) is reported at once.
 * The inventory file, when given, is read here too, its problems reported with the others.
 */
public final class ParamBinder {

    /**
     * Where values come from.
     *
     * @param varsFiles YAML files mapping param names to values, later ones winning
     * @param sets      {@code name=value} pairs from the command line
     * @param env       the environment
     * @param recorded  typed values recorded by the journal of a run being resumed (no secrets); they win over
     *                  every other source, so that a resumed run goes on with the values it started with
     * @param inventory the inventory file ({@code --inventory FILE}) for targets written {@code ssh: "@GROUP"}, or null
     */
    public record Inputs(List<Path> varsFiles, Map<String, String> sets, Map<String, String> env,
                         Map<String, Object> recorded, Path inventory) {

        public Inputs(List<Path> varsFiles, Map<String, String> sets, Map<String, String> env) {
            this(varsFiles, sets, env, Map.of(), null);
        }

        public Inputs(List<Path> varsFiles, Map<String, String> sets, Map<String, String> env,
                      Map<String, Object> recorded) {
            this(varsFiles, sets, env, recorded, null);
        }

        /** The same inputs, with the hosts of an inventory file (null for none). */
        public Inputs withInventory(Path file) {
            return new Inputs(varsFiles, sets, env, recorded, file);
        }

        public static Inputs none() {
            return new Inputs(List.of(), Map.of(), Map.of());
        }

        /** The same inputs, with the values a journal recorded. */
        public Inputs withRecorded(Map<String, Object> values) {
            return new Inputs(varsFiles, sets, env, values, inventory);
        }
    }

    private ParamBinder() {
    }

    /** Binds every param; a required param without a value is an error. */
    public static BoundParams bind(Map<String, Param> declared, Inputs in) {
        return bind(declared, in, true);
    }

    /**
     * Binds params for a plan: as {@link #bind(Map, Inputs)}, except that a required secret may be left out, since
     * a plan shows secrets as {@code ***} anyway and reviewers seldom hold production secrets.
     */
    public static BoundParams bindForPlan(Map<String, Param> declared, Inputs in) {
        return bind(declared, in, false);
    }

    private static BoundParams bind(Map<String, Param> declared, Inputs in, boolean requireSecrets) {
        Problems problems = new Problems();
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Param p : declared.values()) {
            if (p.defaultValue() != null) {
                raw.put(p.name(), p.defaultValue());
                sources.put(p.name(), "default");
            }
            if (p.env() != null && in.env().containsKey(p.env())) {
                raw.put(p.name(), in.env().get(p.env()));
                sources.put(p.name(), "env " + p.env());
            }
        }
        for (Path file : in.varsFiles()) {
            readVars(file, declared, problems).forEach((k, v) -> {
                raw.put(k, v);
                sources.put(k, "--vars " + file);
            });
        }
        Inventory inventory = in.inventory() == null ? Inventory.NONE
                : InventoryParser.read(in.inventory(), problems).orElse(Inventory.NONE);
        in.sets().forEach((k, v) -> {
            if (!declared.containsKey(k)) {
                problems.add(SourceLocation.of(Path.of("--set")), k, "the runbook has no param '" + k + "'");
            } else {
                raw.put(k, v);
                sources.put(k, "--set");
            }
        });
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Param p : declared.values()) {
            if (!p.secret() && in.recorded().containsKey(p.name())) {
                values.put(p.name(), in.recorded().get(p.name()));
                sources.put(p.name(), "the run's journal");
                continue;
            }
            if (!raw.containsKey(p.name()) || raw.get(p.name()) == null) {
                if (p.required() && (requireSecrets || !p.secret())) {
                    missing.add(p.name() + (p.env() != null ? " (or env " + p.env() + ")" : ""));
                }
                continue;
            }
            ParamValues.Result r = ParamValues.coerce(p.type(), raw.get(p.name()));
            String from = sources.get(p.name());
            if (!r.ok()) {
                String shown = p.secret() ? r.error().replaceFirst(", not .*$", "") : r.error();
                problems.add(SourceLocation.of(Path.of(from)), p.name(), p.type().keyword() + " param '" + p.name()
                        + "' " + shown);
            } else if (!p.allowed().isEmpty() && p.allowed().stream()
                    .map(a -> ParamValues.coerce(p.type(), a).value()).noneMatch(r.value()::equals)) {
                problems.add(SourceLocation.of(Path.of(from)), p.name(), "param '" + p.name() + "' must be one of "
                        + p.allowed() + (p.secret() ? "" : ", not '" + raw.get(p.name()) + "'"));
            } else {
                values.put(p.name(), r.value());
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException("missing required param" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + ": give " + (missing.size() > 1 ? "them" : "it")
                    + " with --set NAME=VALUE or in a --vars file");
        }
        problems.throwIfAny();
        return new BoundParams(declared, values, sources, inventory);
    }

    private static Map<String, Object> readVars(Path file, Map<String, Param> declared, Problems problems) {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<YamlLoader.Document> doc = YamlLoader.load(file, problems);
        if (doc.isEmpty()) {
            return out;
        }
        Optional<Node> root = Optional.of(doc.get().root());
        NodeReader r = new NodeReader(file, doc.get(), problems);
        if (!(root.get() instanceof MappingNode m)) {
            r.problem(root.get(), "", "a vars file must be a mapping of param names to values, not "
                    + NodeReader.describe(root.get()));
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            Optional<String> key = r.string(t.getKeyNode(), "", "a param name");
            if (key.isEmpty()) {
                continue;
            }
            if (out.containsKey(key.get())) {
                r.problem(t.getKeyNode(), key.get(), "duplicate key '" + key.get() + "'");
            } else if (!declared.containsKey(key.get())) {
                r.problem(t.getKeyNode(), key.get(), "the runbook has no param '" + key.get() + "'");
            } else {
                out.put(key.get(), r.value(t.getValueNode(), key.get()));
            }
        }
        return out;
    }
}
