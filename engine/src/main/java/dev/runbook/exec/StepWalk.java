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
    private final Rollout rollout;
    private final ImageWatches images;
    /** Every step that ran (on a fleet, every host's run of it), in order of completion, for the rollback. */
    final List<Saga.Ran> ran = java.util.Collections.synchronizedList(new ArrayList<>());

    StepWalk(RunContext ctx, StepRunner runner, TriggerWatch triggers, Saga saga) {
        this.ctx = ctx;
        this.runner = runner;
        this.triggers = triggers;
        this.rollout = new Rollout(ctx, new FleetRun(ctx, runner, this), saga, triggers, this);
        this.images = new ImageWatches(ctx);
    }

    void walk(List<Step> steps, Scope scope) throws StopRun, InterruptedException {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (ctx.interrupted || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (ctx.results.containsKey(s.id())) {
                continue;
            }
            if (FleetRun.perHost(s) && ctx.targets.fleet(s.common().on())) {
                int end = rollout.segmentEnd(steps, i);
                rollout.roll(steps.subList(i, end), scope);
                i = end - 1;
            } else {
                step(s, scope);
            }
        }
    }

    /** Ends the run's fleet work (its threads). */
    void close() {
        rollout.close();
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

    /** How long a wait or monitor step may take (or watches), when known: what a progress bar fills up to. */
    private Long plannedLength(Step s, Scope scope) {
        dev.runbook.model.DurationSpec d = s instanceof Step.Wait w ? w.within()
                : s instanceof Step.Monitor m ? m.duration() : null;
        try {
            return d == null ? null : runner.duration(d, scope, null).toMillis();
        } catch (RuntimeException e) {
            return null; // the step itself reports a duration it cannot read
        }
    }

    private void step(Step s, Scope scope) throws StopRun, InterruptedException {
        var c = s.common();
        Map<String, Object> roots = ctx.roots(scope, c.on(), null);
        ctx.events.emit(EventType.STEP_STARTED, s.id(), "kind", s.kind(), "name", c.name(), "target", c.on(),
                "command", s instanceof Step.Run r ? ctx.show(r.command(), scope, roots, true) : null,
                "within_ms", plannedLength(s, scope));
        StepResult result = guard(s, roots);
        boolean reached = true;
        if (result == null) {
            if (s instanceof Step.Group g) {
                result = children(s, g.steps(), scope);
            } else if (s instanceof Step.Include inc) {
                result = children(s, inc.fragment().steps(), fragmentScope(inc, scope));
            } else {
                result = unreachable(s);
                if (result == null) {
                    images.before(s, scope);
                    result = runner.run(s, scope);
                    images.after(s, scope);
                } else {
                    reached = false;
                }
            }
            result = withOutputs(s, scope, result);
        }
        ctx.results.put(s.id(), result);
        if (reached) {
            ran.add(new Saga.Ran(s, scope, result)); // a host never reached has nothing to undo
        }
        ctx.events.emit(EventType.STEP_FINISHED, s.id(), result.toJournal());
        if (result.failed() && !c.continueOnError()) {
            throw new StopRun(StopRun.Reason.STEP_FAILED, s.id(), "step '" + s.id() + "' failed: " + result.error());
        }
        triggers.check(s.id());
    }

    /** The failed result of a step whose host cannot be reached (connected to, logged in to), else null. */
    private StepResult unreachable(Step s) {
        if (!(s instanceof Step.Run || s instanceof Step.Upload || s instanceof Step.Download
                || s instanceof Step.Compose)) {
            return null;
        }
        try {
            ctx.targets.executor(s.common().on()).connect();
            return null;
        } catch (dev.runbook.diag.RunbookException e) {
            return new StepResult(s.id(), StepResult.FAILED, null, "", "", Map.of(), 0, 1, e.getMessage());
        }
    }

    /** The skipped result when the guard does not hold (or cannot be evaluated), else null. */
    StepResult guard(Step s, Map<String, Object> roots) {
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
