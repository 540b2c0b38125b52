package dev.runbook.plan;

import dev.runbook.diag.RunbookException;
import dev.runbook.expr.CompiledExpression;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.Values;
import dev.runbook.facts.CollectedFacts;
import dev.runbook.model.Expr;
import dev.runbook.model.Fact;
import dev.runbook.secret.Masker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan's evaluation of one condition (a precondition, guard, trigger or success check): evaluated against the
 * facts when it reads nothing that exists only during the run, with the values it read; otherwise why not.
 */
final class PlanEvaluation {

    private static final Set<String> OFFLINE = Set.of("steps", "previous", "facts");
    /** What only the run knows, when facts are collected for the plan. */
    private static final Set<String> DURING_RUN = Set.of("steps", "previous");
    /** The most of a fact's value a check's detail shows. */
    private static final int SHOWN = 120;

    private final Planner planner;
    private final Map<String, Fact> declared;
    /** The facts, collected when a check reads them; null offline. */
    private final CollectedFacts facts;
    /** The recorded values of facts the plan evaluates against, by name; null when facts are collected live. */
    private final Map<String, Object> snapshot;

    PlanEvaluation(Planner planner, Map<String, Fact> declared, CollectedFacts facts, Map<String, Object> snapshot) {
        this.planner = planner;
        this.declared = declared;
        this.facts = facts;
        this.snapshot = snapshot;
    }

    /** Evaluates a condition when it reads nothing that exists only at run time. */
    Plan.Check evaluate(Expr expr, PlanScope s) {
        String src = planner.mask(expr.source().trim());
        CompiledExpression c = Expressions.compile(expr);
        Set<String> later = facts == null ? OFFLINE : DURING_RUN;
        List<String> waits = c.references().stream().filter(r -> later.contains(r.get(0)))
                .map(r -> String.join(".", r.subList(0, Math.min(2, r.size())))).distinct().toList();
        List<String> unset = c.references().stream()
                .filter(r -> r.get(0).equals("params") && r.size() > 1 && !s.params().containsKey(r.get(1)))
                .map(r -> "params." + r.get(1)).distinct().toList();
        if (!unset.isEmpty()) {
            return new Plan.Check(null, src, "not evaluated", "no value given for " + String.join(", ", unset));
        }
        if (!waits.isEmpty()) {
            boolean facts = waits.stream().anyMatch(w -> w.startsWith("facts"));
            String why = facts ? "reads " + String.join(", ", waits) + ": facts are not collected (offline)"
                    : "decided during the run: reads " + String.join(", ", waits);
            return new Plan.Check(null, src, "not evaluated", why);
        }
        if (snapshot != null) {
            List<String> missing = c.references().stream()
                    .filter(r -> r.get(0).equals("facts") && r.size() > 1 && !snapshot.containsKey(r.get(1)))
                    .map(r -> "facts." + r.get(1)).distinct().toList();
            if (!missing.isEmpty()) {
                return new Plan.Check(null, src, "not evaluated", "reads " + String.join(", ", missing)
                        + ": not in the snapshot");
            }
        }
        Map<String, Object> roots = planner.roots(s);
        Set<String> read = new HashSet<>();
        if (facts != null) {
            roots.put("facts", new ReadFacts(facts, read));
        }
        try {
            boolean holds = c.test(roots);
            return new Plan.Check(null, src, holds ? "holds" : "fails", factsRead(c, roots, read));
        } catch (RunbookException e) {
            return new Plan.Check(null, src, "error", planner.mask(e.getMessage()));
        }
    }

    /**
     * The facts a condition read and their values ({@code read facts.health.status = 200}), or "" when none; a fact
     * the evaluation did not reach ({@code a || facts.x}, with {@code a} true) is not listed.
     */
    private String factsRead(CompiledExpression c, Map<String, Object> roots, Set<String> reached) {
        List<String> read = new ArrayList<>();
        for (List<String> ref : c.references()) {
            if (!ref.get(0).equals("facts") || ref.size() < 2 || !reached.contains(ref.get(1))) {
                continue;
            }
            String path = String.join(".", ref);
            Fact f = declared.get(ref.get(1));
            String shown;
            if (f != null && f.secret()) {
                shown = Masker.MASK;
            } else {
                try {
                    shown = planner.mask(Values.show(Expressions.compile(path, c.at()).evaluate(roots)))
                            .replace("\r", "").replace("\n", "\\n");
                } catch (RunbookException e) {
                    shown = "(" + planner.mask(e.getMessage()) + ")";
                }
            }
            read.add(path + " = " + (shown.length() > SHOWN ? shown.substring(0, SHOWN) + "..." : shown));
        }
        return read.isEmpty() ? "" : "read " + String.join(", ", read);
    }
}
