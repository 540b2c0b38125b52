package dev.runbook;

import dev.runbook.diag.InvalidRunbookException;
import dev.runbook.diag.Problem;
import dev.runbook.model.Runbook;
import dev.runbook.parse.RunbookParser;
import dev.runbook.plan.Plan;
import dev.runbook.plan.Planner;
import dev.runbook.validate.Validator;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The engine's entry points, in the order of its flow: load (parse and validate), then plan. The CLI is
 * these calls plus options.
 */
public final class Runbooks {

    /** A runbook read and validated, or every problem that stands in the way. */
    public record Loaded(Runbook runbook, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private Runbooks() {
    }

    /** Parses and validates a runbook file, collecting every problem. */
    public static Loaded load(Path file) {
        RunbookParser.Result parsed = RunbookParser.parse(file);
        if (parsed.runbook() == null) {
            return new Loaded(null, parsed.problems());
        }
        dev.runbook.diag.Problems all = new dev.runbook.diag.Problems();
        all.addAll(parsed.problems());
        all.addAll(Validator.validate(parsed.runbook(), parsed.broken()));
        List<Problem> problems = all.sorted();
        return new Loaded(problems.isEmpty() ? parsed.runbook() : null, problems);
    }

    /** The valid runbook in {@code file}, or an {@link InvalidRunbookException} with every problem. */
    public static Runbook require(Path file) {
        Loaded loaded = load(file);
        if (!loaded.ok()) {
            throw new InvalidRunbookException(loaded.problems());
        }
        return loaded.runbook();
    }

    /** Binds the params of a run from vars files, {@code --set} pairs and the environment. */
    public static BoundParams bind(Runbook runbook, ParamBinder.Inputs inputs) {
        return ParamBinder.bind(runbook.params(), inputs);
    }

    /**
     * The dry-run plan of a runbook. Offline, no fact is collected and the checks that read facts are shown
     * unevaluated; otherwise the facts those checks read are collected now, on this machine (they only read), and
     * the checks are evaluated against them.
     */
    public static Plan plan(Runbook runbook, ParamBinder.Inputs inputs, boolean offline) {
        BoundParams params = ParamBinder.bindForPlan(runbook.params(), inputs);
        if (offline) {
            return Planner.offline(runbook, params, inputs.env(),
                    List.of("offline: facts are not collected; checks that read facts are not evaluated"));
        }
        List<String> notes = runbook.facts().isEmpty() ? List.of()
                : List.of("facts are collected now, on this machine: checks that read them are evaluated against"
                        + " the values read now (the run reads them again when it needs them)");
        dev.runbook.facts.FactRoots roots = dev.runbook.facts.FactRoots.of(runbook, params, inputs.env(), "dry-run",
                System.currentTimeMillis(), true);
        var collector = new dev.runbook.facts.LocalFactCollector(runbook, roots);
        try (var targets = dev.runbook.exec.TargetConnections.open(runbook, params)) {
            collector.useExecutors(targets::executor);
            collector.useEngines(targets::docker);
            return Planner.online(runbook, params, inputs.env(), notes, collector);
        }
    }

    /**
     * The dry-run plan of a runbook evaluated against recorded fact values ({@code runbook facts --save}) instead of
     * live ones: no fact is collected, nothing is contacted; a check reading a fact missing from the snapshot is not
     * evaluated.
     */
    public static Plan plan(Runbook runbook, ParamBinder.Inputs inputs, Map<String, Object> snapshot, String from) {
        BoundParams params = ParamBinder.bindForPlan(runbook.params(), inputs);
        return Planner.fromSnapshot(runbook, params, inputs.env(),
                List.of("facts are read from the snapshot " + from + ", not collected: checks that read them are"
                        + " evaluated against the recorded values"), snapshot);
    }

    /**
     * Starts the YAML reader and the expression engine on a background thread, so that their start-up costs
     * overlap the command line's. Harmless to call more than once; changes nothing.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            dev.runbook.parse.YamlLoader.compose(Path.of("warm-up"), "a: [b, {c: 'd'}]\n", new dev.runbook.diag.Problems());
            dev.runbook.expr.Expressions.compile("len(params.a) > 1 && contains(params.a, 'b')",
                    dev.runbook.diag.SourceLocation.of(Path.of("warm-up")));
        }, "warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The environment of this process, for {@link ParamBinder.Inputs}. */
    public static Map<String, String> environment() {
        return System.getenv();
    }
}
