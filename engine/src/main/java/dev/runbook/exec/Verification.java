package dev.runbook.exec;

import dev.runbook.expr.Expressions;
import dev.runbook.model.Check;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code runbook verify}: the success checks evaluated now (facts collected now), against the step results of the
 * runbook's latest run, so that the seed's "after one week" metrics can be checked any time.
 */
public final class Verification {

    /** A check and what it gave. */
    public record Result(String name, boolean holds, String detail) {
    }

    /** The checks of the runbook named {@code runbook}, evaluated now. */
    public record Outcome(String runbook, List<Result> checks) {
    }

    private Verification() {
    }

    public static List<Result> check(Runbook runbook, BoundParams params, Map<String, StepResult> lastRun,
                                     FactCollector facts, Map<String, String> environment) {
        List<Result> out = new ArrayList<>();
        for (Check c : runbook.success()) {
            Map<String, Object> roots = new HashMap<>();
            roots.put("params", params.values());
            Map<String, Object> steps = new LinkedHashMap<>();
            lastRun.forEach((id, r) -> steps.put(id, r.toRoot()));
            roots.put("steps", steps);
            roots.put("run", Map.of("id", "verify", "start", System.currentTimeMillis(), "dry", false, "runbook",
                    runbook.name(), "status", "running", "reason", ""));
            Map<String, Object> env = new LinkedHashMap<>();
            runbook.env().forEach(n -> env.put(n, environment.getOrDefault(n, "")));
            roots.put("env", env);
            roots.put("facts", new LazyFacts(runbook.facts(), facts, LazyFacts.Listener.NONE));
            try {
                out.add(new Result(c.label(), Expressions.compile(c.that()).test(roots), null));
            } catch (RuntimeException e) {
                out.add(new Result(c.label(), false, params.masker().mask(e.getMessage())));
            }
        }
        return out;
    }
}
