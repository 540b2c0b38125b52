package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Inventory;
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

    /** A step that ran, with the scope it ran in, and on a fleet the host it ran on (else null). */
    record Ran(Step step, Scope scope, StepResult result, Inventory.Host host) {
        Ran(Step step, Scope scope, StepResult result) {
            this(step, scope, result, null);
        }

        /** The step, and the host on a fleet: {@code deploy} or {@code deploy@web1}. */
        String label() {
            return host == null ? step.id() : step.id() + "@" + host.name();
        }
    }

    /** How the rollback ended. */
    record Outcome(boolean complete, List<String> failed, List<String> notRolledBack, String wall) {
    }

    private final RunContext ctx;
    private final StepRunner runner;
    private final ImageWatches images;

    Saga(RunContext ctx, StepRunner runner) {
        this.ctx = ctx;
        this.runner = runner;
        this.images = new ImageWatches(ctx);
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
                    left.add(r.label());
                }
                continue;
            }
            if (r.step().common().irreversible() && r.result().ok()) {
                wall = r.label();
                continue;
            }
            if (r.result().status().equals(StepResult.SKIPPED)
                    || r.step().common().rollback().isEmpty() && r.step().common().changesImage() == null) {
                continue;
            }
            List<Ran> same = new ArrayList<>(List.of(r));
            while (r.host() != null && i > 0 && ran.get(i - 1).step() == r.step() && ran.get(i - 1).host() != null) {
                same.add(ran.get(--i));
            }
            failed.addAll(compensateAll(same, done));
        }
        return new Outcome(failed.isEmpty() && wall == null, failed, left, wall);
    }

    /** Compensates a step on each of its hosts at once (a fleet's hosts, up to its forks); the labels that failed. */
    private List<String> compensateAll(List<Ran> same, Map<String, String> done) throws InterruptedException {
        if (same.size() == 1) {
            return compensate(same.get(0), done) ? List.of() : List.of(same.get(0).label());
        }
        int forks = ctx.targets.forks(same.get(0).step().common().on());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Math.min(forks, same.size())));
        try {
            List<java.util.concurrent.Future<Boolean>> futures = new ArrayList<>();
            for (Ran r : same) {
                futures.add(pool.submit(() -> compensate(r, done)));
            }
            List<String> failed = new ArrayList<>();
            for (int k = 0; k < same.size(); k++) {
                try {
                    if (!futures.get(k).get()) {
                        failed.add(same.get(k).label());
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    failed.add(same.get(k).label());
                }
            }
            return failed;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one step's rollback list; true when the last action that ran succeeded. */
    private boolean compensate(Ran r, Map<String, String> done) throws InterruptedException {
        Map<String, Object> previous = r.result().toRoot();
        boolean lastOk = true;
        List<Step> actions = r.step().common().rollback();
        for (int i = 0; i < actions.size(); i++) {
            Step action = actions.get(i);
            String key = r.step().id() + "#" + (i + 1) + (r.host() == null ? "" : "@" + r.host().name());
            if (done.containsKey(key)) {
                String status = done.get(key);
                if (!status.equals(StepResult.SKIPPED)) {
                    lastOk = status.equals(StepResult.OK);
                    previous = Map.of("status", status, "ok", lastOk, "failed", !lastOk);
                }
                continue;
            }
            var c = action.common();
            Inventory.Host host = c.on().equals(r.step().common().on()) ? r.host() : null;
            Map<String, Object> roots = ctx.roots(r.scope(), c.on(), previous, host);
            boolean run;
            try {
                run = c.when() == null || ctx.test(c.when(), roots);
            } catch (RuntimeException e) {
                run = false;
            }
            if (!run) {
                ctx.events.emit(EventType.ROLLBACK_ACTION, r.step().id(), "action", i + 1, "status", StepResult.SKIPPED,
                        "when", c.when() == null ? null : c.when().source().trim(), "host",
                        r.host() == null ? null : r.host().name());
                continue;
            }
            StepResult res;
            try {
                res = runner.run(action, r.scope(), r.step().id(), i + 1, host, previous);
            } catch (StopRun e) {
                res = new StepResult(null, StepResult.FAILED, null, "", "", Map.of(), 0, 1, e.getMessage());
            }
            Map<String, Object> data = new java.util.LinkedHashMap<>(res.toJournal());
            data.put("action", i + 1);
            data.put("kind", action.kind());
            data.put("target", c.on());
            if (r.host() != null) {
                data.put("host", r.host().name());
            }
            ctx.events.emit(EventType.ROLLBACK_ACTION, r.step().id(), data);
            previous = res.toRoot();
            if (res.ok() || !c.continueOnError()) {
                lastOk = res.ok(); // an action that may fail (continue_on_error, a notify) does not decide
            }
        }
        if (r.step().common().changesImage() != null && r.host() == null) {
            lastOk = restoreImage(r, actions.size() + 1, done) && lastOk;
        }
        return lastOk;
    }

    /**
     * The compensation every step with {@code changes_image} has after its own actions: the service recreated from
     * the image it ran before the step (numbered after the step's rollback list).
     */
    private boolean restoreImage(Ran r, int action, Map<String, String> done) throws InterruptedException {
        String key = r.step().id() + "#" + action;
        if (done.containsKey(key)) {
            return done.get(key).equals(StepResult.OK);
        }
        long start = System.nanoTime();
        String error = null;
        try {
            images.restore(r.step());
        } catch (dev.runbook.diag.RunbookException e) {
            error = e.getMessage();
        }
        RecordedImage rec = ctx.images.get(r.step().id());
        ctx.events.emit(EventType.ROLLBACK_ACTION, r.step().id(), "action", action, "status",
                error == null ? StepResult.OK : StepResult.FAILED, "kind", "restore_image", "target",
                rec == null ? r.step().common().changesImage().target() : rec.target(), "image",
                rec == null ? null : rec.image(), "duration_ms", (System.nanoTime() - start) / 1_000_000, "attempts", 1,
                "error", error);
        return error == null;
    }
}
