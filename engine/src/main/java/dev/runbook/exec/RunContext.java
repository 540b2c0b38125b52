package dev.runbook.exec;

import dev.runbook.expr.CompiledExpression;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.Template;
import dev.runbook.model.Expr;
import dev.runbook.model.Inventory;
import dev.runbook.model.Runbook;
import dev.runbook.model.Text;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one run as steps see it: results so far, the roots of expressions, the executors of its
 * targets, and the emitter of its events.
 */
final class RunContext {

    final Runbook runbook;
    final String runId;
    final long startMs;
    final Emitter events;
    final Targets targets;
    final FactCollector facts;
    final Approvals approvals;
    final Map<String, StepResult> results = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    /** Each fleet step's result on each host it ran on, by step id then host name. */
    final Map<String, Map<String, StepResult>> hostResults = new java.util.concurrent.ConcurrentHashMap<>();
    /** The image each step that changes one recorded before it ran, by step id. */
    final Map<String, RecordedImage> images = new java.util.concurrent.ConcurrentHashMap<>();
    /** The hosts that failed within max_fail and left the run, by target. */
    final Map<String, java.util.Set<String>> dropped = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the monitor windows a resumed run left open began, by step id (epoch ms). */
    final Map<String, Long> openWindows = new HashMap<>();
    final Map<String, Object> env;
    volatile boolean interrupted;
    /** {@code running}, then {@code rolling_back} once the rollback starts: {@code run.status}. */
    volatile String status = "running";
    /** Why the run rolls back (the step that failed, the trigger that fired), else empty: {@code run.reason}. */
    volatile String reason = "";

    RunContext(Runbook runbook, String runId, long startMs, Emitter events, Targets targets, FactCollector facts,
               Approvals approvals, Map<String, Object> env) {
        this.runbook = runbook;
        this.runId = runId;
        this.startMs = startMs;
        this.events = events;
        this.targets = targets;
        this.facts = facts;
        this.approvals = approvals;
        this.env = env;
    }

    /** The roots of an expression evaluated in {@code scope} on {@code target}, with fresh facts. */
    Map<String, Object> roots(Scope scope, String target, Map<String, Object> previous) {
        return roots(scope, target, previous, null);
    }

    /**
     * As {@link #roots(Scope, String, Map)}, on one host of the target ({@code target.host}, {@code target.vars});
     * null for its first host.
     */
    Map<String, Object> roots(Scope scope, String target, Map<String, Object> previous, Inventory.Host host) {
        Map<String, Object> roots = new dev.runbook.expr.Roots(baseDir());
        roots.put("params", scope.params());
        roots.put("steps", new StepsRoot(results));
        roots.put("run", Map.of("id", runId, "start", startMs, "dry", false, "runbook", runbook.name(), "status",
                status, "reason", reason));
        roots.put("env", env);
        roots.put("facts", new LazyFacts(runbook.facts(), facts, this::recordFact));
        if (target != null) {
            roots.put("target", targets.root(target, host != null ? host : targets.hosts(target).get(0)));
        }
        if (previous != null) {
            roots.put("previous", previous);
        }
        return roots;
    }

    /** Journals a fact as collected; a secret fact's value is masked, and learnt by the masker. */
    private void recordFact(dev.runbook.model.Fact fact, Object value, String error) {
        if (fact.secret() && value != null) {
            events.addSecret(dev.runbook.expr.Values.text(value));
        }
        Object shown = value == null ? null : fact.secret() ? dev.runbook.expr.RenderOptions.MASK
                : value;
        events.emit(dev.runbook.journal.EventType.FACT_COLLECTED, null, "fact", fact.name(), "kind",
                fact.source().kind(), "value", shown, "error", error);
    }

    boolean test(Expr e, Map<String, Object> roots) {
        prefetch(roots, List.of(e));
        return Expressions.compile(e).test(roots);
    }

    /** Collects, in parallel, every fact the expressions read that is not collected yet at this point. */
    void prefetch(Map<String, Object> roots, List<Expr> exprs) {
        if (roots.get("facts") instanceof LazyFacts facts) {
            List<String> names = new java.util.ArrayList<>();
            for (Expr e : exprs) {
                for (List<String> ref : Expressions.compile(e).references()) {
                    if (ref.size() > 1 && ref.get(0).equals("facts")) {
                        names.add(ref.get(1));
                    }
                }
            }
            facts.prefetch(names);
        }
    }

    /** The text as it runs (secrets included). */
    String render(Text t, Scope scope, Map<String, Object> roots, boolean shell) {
        return Expressions.template(t).render(roots, scope.executing(shell));
    }

    /** The text as shown (secrets masked). */
    String show(Text t, Scope scope, Map<String, Object> roots, boolean shell) {
        Template template = Expressions.template(t);
        try {
            return events.masker().mask(template.render(roots, scope.showing(shell)));
        } catch (RuntimeException e) {
            return events.masker().mask(t.source());
        }
    }

    /** The values of every name an expression reads, for the journal ({@code facts.home.elapsed: 5210}). */
    Map<String, Object> values(Expr e, Map<String, Object> roots) {
        Map<String, Object> out = new LinkedHashMap<>();
        CompiledExpression c = Expressions.compile(e);
        for (List<String> ref : c.references()) {
            String path = String.join(".", ref);
            if (ref.get(0).equals("facts") && ref.size() > 1 && runbook.facts().containsKey(ref.get(1))
                    && runbook.facts().get(ref.get(1)).secret()) {
                out.put(path, dev.runbook.expr.RenderOptions.MASK);
                continue;
            }
            try {
                Object v = Expressions.compile(path, e.at()).evaluate(roots);
                out.put(path, v instanceof Map || v instanceof List ? String.valueOf(v) : v);
            } catch (RuntimeException ex) {
                out.put(path, "(" + ex.getMessage() + ")");
            }
        }
        return out;
    }

    /** The runbook's directory, against which relative paths (templates) are read. */
    Path baseDir() {
        Path parent = runbook.file().toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }
}
