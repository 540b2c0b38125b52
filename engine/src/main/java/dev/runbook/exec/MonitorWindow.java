package dev.runbook.exec;

import dev.runbook.model.Check;
import dev.runbook.model.Step;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code monitor} step: for its window, every interval, the checks are evaluated and the triggers are live;
 * {@code failure_limit} failed ticks in a row fail the step. A check that cannot be evaluated fails the tick.
 */
final class MonitorWindow {

    /** The window failed: too many failed ticks in a row. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final RunContext ctx;
    private final Step.Monitor step;
    private final Scope scope;
    private final TriggerWatch triggers;
    private final StepRunner runner;

    MonitorWindow(RunContext ctx, Step.Monitor step, Scope scope, TriggerWatch triggers, StepRunner runner) {
        this.ctx = ctx;
        this.step = step;
        this.scope = scope;
        this.triggers = triggers;
        this.runner = runner;
    }

    /** Watches the window; returns a one-line account of it. */
    String watch() throws InterruptedException, StopRun, Failed {
        Duration length = runner.duration(step.duration(), scope, Duration.ofMinutes(1));
        Duration every = runner.duration(step.every(), scope, Duration.ofMinutes(1));
        // a window a resumed run left open ends when it was planned to, not a whole window later
        long begun = ctx.openWindows.getOrDefault(step.id(), System.currentTimeMillis());
        long end = System.nanoTime() + length.toNanos() - Math.max(0, System.currentTimeMillis() - begun) * 1_000_000;
        int tick = 0;
        int failedInARow = 0;
        while (true) {
            tick++;
            Map<String, Object> results = new LinkedHashMap<>();
            String failure = null;
            Map<String, Object> roots = ctx.roots(scope, step.common().on(), null);
            ctx.prefetch(roots, step.checks().stream().map(Check::that).toList());
            for (Check c : step.checks()) {
                String outcome;
                try {
                    outcome = ctx.test(c.that(), roots) ? "holds" : "fails";
                } catch (RuntimeException e) {
                    outcome = "inconclusive: " + e.getMessage();
                }
                results.put(c.label(), outcome);
                if (!outcome.equals("holds") && failure == null) {
                    failure = c.label() + ": " + outcome;
                }
            }
            failedInARow = failure == null ? 0 : failedInARow + 1;
            ctx.events.emit("monitor.tick", step.id(), "tick", tick, "checks", results, "failed_in_a_row", failedInARow);
            triggers.check(step.id(), roots);
            if (failedInARow >= step.failureLimit()) {
                throw new Failed(failedInARow + " failed tick" + (failedInARow == 1 ? "" : "s") + " in a row, the last: "
                        + failure);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return tick + " ticks over " + dev.runbook.model.Durations.format(length);
            }
            Thread.sleep(Math.min(every.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }
}
