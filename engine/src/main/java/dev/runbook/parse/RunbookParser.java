package dev.runbook.parse;

import dev.runbook.diag.Problem;
import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Check;
import dev.runbook.model.Fact;
import dev.runbook.model.Param;
import dev.runbook.model.ParamType;
import dev.runbook.model.ParamValues;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Trigger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Parses a runbook file (and the fragments it includes) into the model, strictly: every problem found is
 * collected with its path and line:column; the runbook is returned only when there is none.
 */
public final class RunbookParser {

    private static final Pattern RUNBOOK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * The outcome of parsing.
     *
     * @param runbook  the runbook; when there are problems, what could be read of it (for further checks), or null
     * @param problems every problem found
     * @param broken   names (of params, targets, facts, steps) whose declarations could not be read
     */
    public record Result(Runbook runbook, List<Problem> problems, java.util.Set<String> broken) {
        public boolean ok() {
            return runbook != null && problems.isEmpty();
        }
    }

    private RunbookParser() {
    }

    /** Parses the runbook in {@code file}. */
    public static Result parse(Path file) {
        Problems problems = new Problems();
        ParseContext ctx = new ParseContext(problems);
        Runbook runbook = YamlLoader.load(file, problems)
                .flatMap(doc -> runbook(new NodeReader(file, doc, problems, ctx.broken), doc.root(), ctx))
                .orElse(null);
        return new Result(runbook, problems.sorted(), ctx.broken);
    }

    private static Optional<Runbook> runbook(NodeReader r, Node root, ParseContext ctx) {
        if (!(root instanceof MappingNode)) {
            r.problem(root, "", "a runbook must be a mapping with keys such as runbook, version and steps, not "
                    + NodeReader.describe(root));
            return Optional.empty();
        }
        Fields f = r.fields(root, "", "the runbook", Keys.RUNBOOK).orElseThrow();
        String name = f.requiredString("runbook").orElse(null);
        if (name != null && !RUNBOOK_NAME.matcher(name).matches()) {
            f.problem("runbook", "the runbook name '" + name + "' may hold only letters, digits, '_', '-' and '.'");
        }
        int version = f.has("version") ? f.integer("version", 0).orElse(1) : 1;
        if (!f.has("version")) {
            f.missing("version");
        } else if (version != 1) {
            f.problem("version", "language version " + version + " is not supported: this engine reads version 1");
        }
        List<String> env = f.strings("env");
        f.node("env").filter(n -> n instanceof org.snakeyaml.engine.v2.nodes.SequenceNode).ifPresent(n -> {
            List<Node> items = ((org.snakeyaml.engine.v2.nodes.SequenceNode) n).getValue();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof org.snakeyaml.engine.v2.nodes.ScalarNode s
                        && !ENV_NAME.matcher(s.getValue()).matches()) {
                    r.problem(s, f.child("env") + "[" + i + "]", "'" + s.getValue() + "' is not an environment variable name");
                }
            }
        });
        Map<String, Param> params = params(f);
        Map<String, Target> targets = TargetFactParser.targets(f);
        Map<String, Fact> facts = TargetFactParser.facts(f);
        List<Check> preconditions = checks(f, "preconditions");
        List<Trigger> triggers = triggers(f);
        List<Step> steps = List.of();
        if (!f.has("steps")) {
            f.missing("steps");
        } else {
            steps = new StepParser(r, ctx).steps(f.node("steps").orElseThrow(), "steps", 0);
            if (steps.isEmpty() && ctx.problems.isEmpty()) {
                f.problem("steps", "a runbook needs at least one step");
            }
        }
        List<Check> success = checks(f, "success");
        return Optional.of(new Runbook(name, f.string("description").orElse(null), version, env, params, targets,
                facts, preconditions, triggers, steps, success, r.file()));
    }

    /** The {@code params} mapping of a runbook or fragment. */
    static Map<String, Param> params(Fields f) {
        return f.named("params", "param", Keys.PARAM, (name, p) -> param(name, p, p.reader().at(p.node())));
    }

    private static Optional<Param> param(String name, Fields p, SourceLocation at) {
        ParamType type = ParamType.STRING;
        Optional<String> typeWord = p.string("type");
        if (typeWord.isPresent()) {
            Optional<ParamType> t = ParamType.byKeyword(typeWord.get());
            if (t.isEmpty()) {
                p.problem("type", "unknown param type '" + typeWord.get() + "'; the types are " + ParamType.keywords());
                return Optional.empty();
            }
            type = t.get();
        }
        NodeReader r = p.reader();
        boolean secret = p.bool("secret", false);
        ParamType t = type;
        List<Object> allowed = new ArrayList<>();
        p.node("allowed").flatMap(n -> r.list(n, p.child("allowed"), "'allowed'")).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                Object v = r.value(items.get(i), p.child("allowed"));
                ParamValues.Result ok = ParamValues.coerce(t, v);
                if (!ok.ok()) {
                    r.problem(items.get(i), p.child("allowed") + "[" + i + "]", "an allowed value of " + t.keyword()
                            + " param '" + name + "' " + (secret ? withoutValue(ok.error()) : ok.error()));
                }
                allowed.add(v);
            }
        });
        Object def = p.node("default").map(n -> r.value(n, p.child("default"))).orElse(null);
        if (def != null) {
            ParamValues.Result ok = ParamValues.coerce(type, def);
            if (!ok.ok()) {
                p.problem("default", "the default of " + type.keyword() + " param '" + name + "' "
                        + (secret ? withoutValue(ok.error()) : ok.error()));
            } else if (!allowed.isEmpty() && allowed.stream().map(a -> ParamValues.coerce(t, a).value())
                    .noneMatch(ok.value()::equals)) {
                p.problem("default", "the default " + (secret ? "" : "'" + def + "' ") + "is not one of the allowed"
                        + " values of param '" + name + "'" + (secret ? "" : ": " + allowed));
            }
        }
        boolean required = p.bool("required", false);
        if (required && p.has("default")) {
            p.problem("required", "param '" + name + "' is required and has a default: a default makes it never"
                    + " missing, so drop one of them");
        }
        Optional<String> env = p.string("env");
        env.filter(e -> !ENV_NAME.matcher(e).matches())
                .ifPresent(e -> p.problem("env", "'" + e + "' is not an environment variable name"));
        return Optional.of(new Param(name, type, p.string("description").orElse(null), required, def,
                secret, env.orElse(null), allowed, at));
    }

    /** A type error without the value it quotes, for secrets: "must be a whole number". */
    static String withoutValue(String error) {
        return error.replaceFirst(", not .*$", "");
    }

    /** A list of checks: {@code preconditions}, {@code success}, or a monitor's {@code checks}. */
    static List<Check> checks(Fields f, String key) {
        List<Check> out = new ArrayList<>();
        NodeReader r = f.reader();
        f.node(key).flatMap(n -> r.list(n, f.child(key), "'" + key + "'")).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                String path = f.child(key) + "[" + i + "]";
                Node item = items.get(i);
                r.fields(item, path, "a check", Keys.CHECK).ifPresent(c -> {
                    if (!c.has("that")) {
                        c.missing("that");
                        return;
                    }
                    c.expr("that").ifPresent(e -> out.add(new Check(c.string("name").orElse(null), e,
                            c.string("message").orElse(null), r.at(item))));
                });
            }
        });
        return out;
    }

    private static List<Trigger> triggers(Fields f) {
        List<Trigger> out = new ArrayList<>();
        NodeReader r = f.reader();
        f.node("rollback_on").flatMap(n -> r.list(n, "rollback_on", "'rollback_on'")).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                r.fields(item, "rollback_on[" + i + "]", "a rollback trigger", Keys.TRIGGER).ifPresent(t -> {
                    Optional<String> name = t.requiredString("name");
                    if (!t.has("when")) {
                        t.missing("when");
                        return;
                    }
                    Optional<String> armed = t.node("armed_after")
                            .flatMap(n -> r.identifier(n, t.child("armed_after"), "the step id"));
                    t.expr("when").ifPresent(e -> out.add(new Trigger(name.orElse("trigger " + out.size()), e,
                            armed.orElse(null), t.string("message").orElse(null), r.at(item))));
                });
            }
        });
        return out;
    }
}
