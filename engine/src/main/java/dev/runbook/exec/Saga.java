package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rolls a run back: the {@code rollback} lists of the steps that ran, in reverse order of completion (the
 * failed step's first). A failing compensation is reported and the others still run. An irreversible step that
 * completed is a wall: the rollback stops there and says what a human must do.
 */
final class Saga {

    /** A step that ran, with the scope it ran in. */
    record Ran(Step step, Scope scope, StepResult result) {
    }

    /** How the rollback ended. */
    record Outcome(boolean complete, List<String> failed, List<String> notRolledBack, String wall) {
    }

    private final RunContext ctx;
    private final StepRunner runner;

    Saga(RunContext ctx, StepRunner runner) {
        this.ctx = ctx;
        this.runner = runner;
    }

    /**
     * @param ran     the steps that ran, in order of completion
     * @param done    status of each action an earlier, interrupted rollback ran, by {@code step#index}
     */
    Outcome rollBack(List<Ran> ran, Map<String, String> done) throws InterruptedException {
        List<String> failed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        String wall = null;
        for (int i = ran.size() - 1; i >= 0; i--) {
            Ran r = ran.get(i);
            if (wall != null) {
                if (!r.step().common().rollback().isEmpty() && !r.result().status().equals(StepResult.SKIPPED)) {
                    left.add(r.step().id());
                }
                continue;
            }
            if (r.step().common().irreversible() && r.result().ok()) {
                wall = r.step().id();
                continue;
            }
            if (r.result().status().equals(StepResult.SKIPPED) || r.step().common().rollback().isEmpty()) {
                continue;
            }
            if (!compensate(r, done)) {
                failed.add(r.step().id());
            }
        }
        return new Outcome(failed.isEmpty() && wall == null, failed, left, wall);
    }

    /** Runs one step's rollback list; true when the last action that ran succeeded. */
    private boolean compensate(Ran r, Map<String, String> done) throws InterruptedException {
        Map<String, Object> previous = r.result().toRoot();
        boolean lastOk = true;
        List<Step> actions = r.step().common().rollback();
        for (int i = 0; i < actions.size(); i++) {
            Step action = actions.get(i);
            String key = r.step().id() + "#" + (i + 1);
            if (done.containsKey(key)) {
                String status = done.get(key);
                if (!status.equals(StepResult.SKIPPED)) {
                    lastOk = status.equals(StepResult.OK);
                    previous = Map.of("status", status, "ok", lastOk, "failed", !lastOk);
                }
                continue;
            }
            var c = action.common();
            Map<String, Object> roots = ctx.roots(r.scope(), c.on(), previous);
            boolean run;
            try {
                run = c.when() == null || ctx.test(c.when(), roots);
            } catch (RuntimeException e) {
                run = false;
            }
            if (!run) {
                ctx.events.emit(EventType.ROLLBACK_ACTION, r.step().id(), "action", i + 1, "status", StepResult.SKIPPED,
                        "when", c.when() == null ? null : c.when().source().trim());
                continue;
            }
            StepResult res;
            try {
                res = runner.run(action, r.scope(), r.step().id(), i + 1);
            } catch (StopRun e) {
                res = new StepResult(null, StepResult.FAILED, null, "", "", Map.of(), 0, 1, e.getMessage());
            }
            Map<String, Object> data = new java.util.LinkedHashMap<>(res.toJournal());
            data.put("action", i + 1);
            data.put("kind", action.kind());
            data.put("target", c.on());
            ctx.events.emit(EventType.ROLLBACK_ACTION, r.step().id(), data);
            previous = res.toRoot();
            lastOk = res.ok();
        }
        return lastOk;
    }
}
