package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Step;
import dev.runbook.vars.FragmentParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Goes through the steps in order: skips those a resumed run completed, evaluates guards (a guard that cannot be
 * evaluated does not hold), runs groups and includes (with the fragment's params), renders outputs, records
 * every result, and checks the triggers after each step.
 */
final class StepWalk {

    private final RunContext ctx;
    private final StepRunner runner;
    private final TriggerWatch triggers;
    /** Every step that ran, in order of completion, for the rollback. */
    final List<Saga.Ran> ran = new ArrayList<>();

    StepWalk(RunContext ctx, StepRunner runner, TriggerWatch triggers) {
        this.ctx = ctx;
        this.runner = runner;
        this.triggers = triggers;
    }

    void walk(List<Step> steps, Scope scope) throws StopRun, InterruptedException {
        for (Step s : steps) {
            if (ctx.interrupted || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (!ctx.results.containsKey(s.id())) {
                step(s, scope);
            }
        }
    }

    /** Each step of the runbook by id, with the scope it runs in (for rebuilding a resumed run's history). */
    Map<String, Saga.Ran> index(List<Step> steps, Scope scope) {
        Map<String, Saga.Ran> out = new LinkedHashMap<>();
        for (Step s : steps) {
            out.put(s.id(), new Saga.Ran(s, scope, null));
            if (s instanceof Step.Group g) {
                out.putAll(index(g.steps(), scope));
            } else if (s instanceof Step.Include inc) {
                try {
                    out.putAll(index(inc.fragment().steps(), fragmentScope(inc, scope)));
                } catch (RuntimeException e) {
                    // its params read steps that have not run: neither have its own steps
                }
            }
        }
        return out;
    }

    private void step(Step s, Scope scope) throws StopRun, InterruptedException {
        var c = s.common();
        Map<String, Object> roots = ctx.roots(scope, c.on(), null);
        ctx.events.emit(EventType.STEP_STARTED, s.id(), "kind", s.kind(), "name", c.name(), "target", c.on(),
                "command", s instanceof Step.Run r ? ctx.show(r.command(), scope, roots, true) : null);
        StepResult result = guard(s, roots);
        if (result == null) {
            if (s instanceof Step.Group g) {
                result = children(s, g.steps(), scope);
            } else if (s instanceof Step.Include inc) {
                result = children(s, inc.fragment().steps(), fragmentScope(inc, scope));
            } else {
                result = runner.run(s, scope);
            }
            result = withOutputs(s, scope, result);
        }
        ctx.results.put(s.id(), result);
        ran.add(new Saga.Ran(s, scope, result));
        ctx.events.emit(EventType.STEP_FINISHED, s.id(), result.toJournal());
        if (result.failed() && !c.continueOnError()) {
            throw new StopRun(StopRun.Reason.STEP_FAILED, s.id(), "step '" + s.id() + "' failed: " + result.error());
        }
        triggers.check(s.id());
    }

    /** The skipped result when the guard does not hold (or cannot be evaluated), else null. */
    private StepResult guard(Step s, Map<String, Object> roots) {
        if (s.common().when() == null) {
            return null;
        }
        String why;
        try {
            if (ctx.test(s.common().when(), roots)) {
                return null;
            }
            why = "its guard does not hold: " + s.common().when().source().trim();
        } catch (RuntimeException e) {
            why = "its guard could not be evaluated, so it does not hold: " + e.getMessage();
        }
        return new StepResult(s.id(), StepResult.SKIPPED, null, "", "", Map.of(), 0, 0, why);
    }

    private StepResult children(Step s, List<Step> steps, Scope scope) throws StopRun, InterruptedException {
        long start = System.nanoTime();
        walk(steps, scope);
        return new StepResult(s.id(), StepResult.OK, null, "", "", Map.of(), (System.nanoTime() - start) / 1_000_000, 1,
                null);
    }

    private StepResult withOutputs(Step s, Scope scope, StepResult r) {
        if (s.common().outputs().isEmpty() || !r.ok()) {
            return r;
        }
        ctx.results.put(s.id(), r);
        Map<String, Object> roots = ctx.roots(scope, s.common().on(), null);
        Map<String, String> outputs = new LinkedHashMap<>();
        try {
            s.common().outputs().forEach((name, t) -> outputs.put(name, ctx.render(t, scope, roots, false)));
        } catch (RuntimeException e) {
            return new StepResult(r.id(), StepResult.FAILED, r.exitCode(), r.stdout(), r.stderr(), outputs,
                    r.durationMs(), r.attempts(), "its outputs could not be rendered: " + e.getMessage());
        }
        return new StepResult(r.id(), r.status(), r.exitCode(), r.stdout(), r.stderr(), outputs, r.durationMs(),
                r.attempts(), r.error());
    }

    /** The scope of an included fragment: its params bound from {@code with} in the including scope. */
    Scope fragmentScope(Step.Include inc, Scope outer) {
        Map<String, Object> roots = ctx.roots(outer, null, null);
        FragmentParams f = FragmentParams.bind(inc, outer.options(), t -> ctx.render(t, outer, roots, false));
        return new Scope(f.values(), f.options());
    }
}
