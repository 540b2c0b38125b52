package dev.runbook.parse;

import dev.runbook.model.Check;
import dev.runbook.model.Containers;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Fragment;
import dev.runbook.model.Expr;
import dev.runbook.model.Step;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/** Parses step lists: the common keys of every step and the value of each step kind. */
final class StepParser {

    /** The step kinds that change nothing a service runs (or hold steps that carry their own changes_image). */
    private static final java.util.Set<String> NO_IMAGE_CHANGE = java.util.Set.of("assert", "wait", "approve",
            "monitor", "notify", "download", "group", "include");

    private static final DurationSpec DEFAULT_EVERY = DurationSpec.of(Duration.ofSeconds(5));

    private final NodeReader r;
    private final ParseContext ctx;

    StepParser(NodeReader reader, ParseContext ctx) {
        this.r = reader;
        this.ctx = ctx;
    }

    List<Step> steps(Node node, String path, int depth) {
        List<Step> out = new ArrayList<>();
        r.list(node, path, "'" + path.substring(path.lastIndexOf('.') + 1) + "'").ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                step(item, path + "[" + i + "]", true, depth).ifPresentOrElse(out::add, () -> brokenId(item));
            }
        });
        return out;
    }

    /** Remembers the id of a step that could not be read, so that later uses of it are not reported again. */
    private void brokenId(Node item) {
        if (item instanceof org.snakeyaml.engine.v2.nodes.MappingNode m) {
            for (var t : m.getValue()) {
                if (t.getKeyNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode k && k.getValue().equals("id")
                        && t.getValueNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode v) {
                    r.broken(v.getValue());
                }
            }
        }
    }

    private Optional<Step> step(Node node, String path, boolean inMainFlow, int depth) {
        return step(node, path, inMainFlow, depth, Target.LOCAL);
    }

    /** A step; {@code defaultOn} is its target when it names none (a rollback step runs where its step ran). */
    private Optional<Step> step(Node node, String path, boolean inMainFlow, int depth, String defaultOn) {
        if (depth > ParseContext.MAX_DEPTH) {
            r.problem(node, path, "groups and includes nest more than " + ParseContext.MAX_DEPTH + " deep");
            return Optional.empty();
        }
        Optional<Fields> opened = r.fields(node, path, "a step", Keys.STEP);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Fields f = opened.get();
        String kind = TargetFactParser.onlyKind(f, Keys.STEP_KINDS, "a step");
        StepCommon common = common(f, kind, inMainFlow, depth, defaultOn);
        if (kind == null || common == null) {
            return Optional.empty();
        }
        return switch (kind) {
            case "run" -> f.text("run").map(t -> new Step.Run(common, t));
            case "assert" -> f.expr("assert").map(e -> new Step.Assert(common, e));
            case "approve" -> f.text("approve").map(t -> new Step.Approve(common, t));
            case "wait" -> waitStep(f, common);
            case "http" -> HttpStepParser.http(f, common);
            case "monitor" -> monitor(f, common);
            case "notify" -> NotifyParser.notify(f, common);
            case "upload" -> TransferStepParser.upload(f, common);
            case "download" -> TransferStepParser.download(f, common);
            case "container" -> DockerStepParser.container(f, common);
            case "exec" -> DockerStepParser.exec(f, common);
            case "restart", "stop", "start" -> DockerStepParser.service(f, kind, common);
            case "pull" -> DockerStepParser.pull(f, common);
            case "tag" -> DockerStepParser.tag(f, common);
            case "compose" -> DockerStepParser.compose(f, common);
            case "group" -> Optional.of(new Step.Group(common, steps(f.node("group").orElseThrow(), f.child("group"),
                    depth + 1)));
            default -> include(f, common, depth);
        };
    }

    private StepCommon common(Fields f, String kind, boolean inMainFlow, int depth, String defaultOn) {
        Optional<String> id = f.node("id").flatMap(n -> r.identifier(n, f.child("id"), "the step id"));
        if (inMainFlow && !f.has("id")) {
            f.missing("id");
        }
        if (f.has("message") && kind != null && !kind.equals("assert") && !kind.equals("approve")) {
            f.problem("message", "'message' goes with assert and approve steps, not with " + kind);
        }
        if (f.has("with") && kind != null && !kind.equals("include")) {
            f.problem("with", "'with' goes with include steps only");
        }
        Optional<String> on = f.node("on").flatMap(n -> r.identifier(n, f.child("on"), "the target name"));
        dev.runbook.diag.SourceLocation onAt = f.node("on").map(r::at).orElse(r.at(f.node()));
        Optional<Expr> when = f.expr("when");
        Optional<DurationSpec> timeout = f.duration("timeout");
        int retries = f.integer("retries", 0).orElse(0);
        Optional<DurationSpec> delay = f.duration("delay");
        List<Step> rollback = List.of();
        if (f.has("rollback")) {
            if (!inMainFlow) {
                f.problem("rollback", "a rollback step cannot have a rollback of its own");
            } else {
                rollback = rollbackSteps(f, depth, on.orElse(defaultOn));
            }
        }
        Map<String, Text> outputs = f.texts("outputs", true);
        if (!inMainFlow && (f.has("irreversible") || f.has("outputs"))) {
            f.problem(f.has("outputs") ? "outputs" : "irreversible",
                    "rollback steps have no 'outputs' or 'irreversible'");
        }
        Containers.ImageWatch changesImage = null;
        if (f.has("changes_image")) {
            if (!inMainFlow) {
                f.problem("changes_image", "a rollback step has no 'changes_image': put it on the step whose"
                        + " rollback restores the image");
            } else if (kind != null && NO_IMAGE_CHANGE.contains(kind)) {
                f.problem("changes_image", "'changes_image' goes with a step that can change the image a service"
                        + " runs (compose, run, pull, container, exec, restart, ...), not with "
                        + ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " step"
                        + (kind.equals("group") || kind.equals("include") ? ": put it on the step inside that"
                        + " changes the image" : ""));
            } else {
                changesImage = DockerStepParser.changesImage(f, on.orElse(defaultOn)).orElse(null);
            }
        }
        return new StepCommon(id.orElse(null), f.string("name").orElse(null), f.string("description").orElse(null),
                on.orElse(defaultOn), when.orElse(null), timeout.orElse(null), retries, delay.orElse(null),
                rollback, outputs, f.bool("irreversible", false), f.bool("continue_on_error", false),
                f.string("message").orElse(null), f.path(), r.at(f.node()), onAt,
                f.bool("run_once", false), changesImage);
    }

    private List<Step> rollbackSteps(Fields f, int depth, String stepOn) {
        List<Step> out = new ArrayList<>();
        Node n = f.node("rollback").orElseThrow();
        r.list(n, f.child("rollback"), "'rollback'").ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                step(items.get(i), f.child("rollback") + "[" + i + "]", false, depth + 1, stepOn).ifPresent(out::add);
            }
        });
        return out;
    }

    private Optional<Step> waitStep(Fields f, StepCommon common) {
        return r.fields(f.node("wait").orElseThrow(), f.child("wait"), "'wait'", Keys.WAIT).flatMap(w -> {
            Optional<Expr> until = w.has("until") ? w.expr("until") : Optional.empty();
            if (!w.has("until")) {
                w.missing("until");
            }
            if (!w.has("within")) {
                w.missing("within");
            }
            Optional<DurationSpec> within = w.duration("within");
            DurationSpec every = w.duration("every").orElse(DEFAULT_EVERY);
            if (until.isEmpty() || within.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Step.Wait(common, until.get(), every, within.get()));
        });
    }

    private Optional<Step> monitor(Fields f, StepCommon common) {
        return r.fields(f.node("monitor").orElseThrow(), f.child("monitor"), "'monitor'", Keys.MONITOR).flatMap(m -> {
            if (!m.has("for")) {
                m.missing("for");
            }
            Optional<DurationSpec> duration = m.duration("for");
            DurationSpec every = m.duration("every").orElse(DurationSpec.of(Duration.ofMinutes(1)));
            int limit = m.integer("failure_limit", 1).orElse(1);
            List<Check> checks = RunbookParser.checks(m, "checks");
            return duration.map(d -> new Step.Monitor(common, d, every, limit, checks));
        });
    }

    private Optional<Step> include(Fields f, StepCommon common, int depth) {
        Node n = f.node("include").orElseThrow();
        Optional<String> path = r.string(n, f.child("include"), "'include'");
        Map<String, Text> with = f.texts("with", true);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        Optional<Fragment> fragment = IncludeLoader.load(r, ctx, n, f.child("include"), path.get(), depth);
        fragment.ifPresent(fr -> checkWith(f, fr, with));
        return fragment.map(fr -> new Step.Include(common, path.get(), with, fr));
    }

    /** Every {@code with} name is a param of the fragment, and every required param of it is bound. */
    private void checkWith(Fields f, Fragment fragment, Map<String, Text> with) {
        Optional<Fields> given = f.node("with").flatMap(n -> r.fields(n, f.child("with"), "'with'", null));
        for (String name : with.keySet()) {
            if (!fragment.params().containsKey(name)) {
                Node key = given.flatMap(g -> g.keyNode(name)).orElse(f.node());
                r.problem(key, f.child("with") + "." + name, "fragment '" + fragment.name() + "' has no param '" + name
                        + "'; its params are " + String.join(", ", fragment.params().keySet()));
            }
        }
        for (var p : fragment.params().values()) {
            if (p.required() && !with.containsKey(p.name())) {
                r.problem(f.keyNode("include").orElse(f.node()), f.child("with"), "fragment '" + fragment.name()
                        + "' needs param '" + p.name() + "': bind it with 'with: { " + p.name() + ": ... }'");
            }
        }
    }
}
