package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Trigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code rollback_on} triggers that are armed: after every step, and on every monitor tick. A trigger
 * that cannot be evaluated (a fact that cannot be collected) does not fire; it is recorded as inconclusive.
 */
final class TriggerWatch {

    private final RunContext ctx;
    private final Scope scope;

    TriggerWatch(RunContext ctx, Scope scope) {
        this.ctx = ctx;
        this.scope = scope;
    }

    /** Checks the armed triggers; stops the run when one fires, recording it with the values that made it fire. */
    void check(String after) throws StopRun {
        check(after, ctx.roots(scope, null, null));
    }

    /**
     * As {@link #check(String)}, reading facts through {@code roots}: the roots of the evaluation point (a monitor
     * tick's), so that a fact is collected once for its checks and triggers together.
     */
    void check(String after, Map<String, Object> roots) throws StopRun {
        Map<String, Object> decisions = new LinkedHashMap<>();
        List<Trigger> armed = ctx.runbook.rollbackOn().stream()
                .filter(t -> t.armedAfter() == null || ctx.results.containsKey(t.armedAfter())).toList();
        ctx.prefetch(roots, armed.stream().map(Trigger::when).toList());
        for (Trigger t : armed) {
            boolean fired;
            try {
                fired = ctx.test(t.when(), roots);
            } catch (RuntimeException e) {
                decisions.put(t.name(), "inconclusive: " + e.getMessage());
                continue;
            }
            decisions.put(t.name(), fired ? "fired" : "quiet");
            if (fired) {
                ctx.events.emit(EventType.TRIGGER_FIRED, after, "trigger", t.name(), "when", t.when().source().trim(),
                        "values", ctx.values(t.when(), roots), "message", t.message());
                throw new StopRun(StopRun.Reason.TRIGGER_FIRED, after, "rollback trigger '" + t.name() + "' fired");
            }
        }
        if (!decisions.isEmpty()) {
            ctx.events.emit(EventType.TRIGGERS_CHECKED, after, "decisions", decisions);
        }
    }
}
