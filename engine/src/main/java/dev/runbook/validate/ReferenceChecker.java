package dev.runbook.validate;

import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import dev.runbook.expr.CompiledExpression;
import dev.runbook.expr.ExpressionException;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.Template;
import dev.runbook.expr.internal.Functions;
import dev.runbook.model.Expr;
import dev.runbook.model.Runbook;
import dev.runbook.model.Text;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles expressions and templates and checks that every name they read exists where they are: a declared
 * param, fact, env variable or output, and a step that has run by then.
 */
final class ReferenceChecker {

    static final Set<String> ROOTS = Set.of("params", "facts", "steps", "run", "target", "env", "previous");
    static final Set<String> STEP_FIELDS = Set.of("status", "ok", "failed", "skipped", "exit_code", "stdout", "stderr",
            "outputs", "duration", "attempts");
    static final Set<String> RUN_FIELDS = Set.of("id", "start", "dry", "runbook", "status", "reason");
    static final Set<String> TARGET_FIELDS = Set.of("name", "host", "kind", "vars");
    static final Set<String> PREVIOUS_FIELDS = Set.of("ok", "failed", "status", "exit_code", "stdout", "stderr");
    private static final Set<String> BUILTINS = Set.of("size", "empty");

    private final Runbook runbook;
    private final Problems problems;
    private final Set<String> ignored;

    ReferenceChecker(Runbook runbook, Problems problems, Set<String> ignored) {
        this.runbook = runbook;
        this.problems = problems;
        this.ignored = ignored;
    }

    void expr(Expr e, String path, Scope scope) {
        if (e != null) {
            compile(e, path).ifPresent(c -> check(c, path, scope));
        }
    }

    void text(Text t, String path, Scope scope) {
        if (t == null) {
            return;
        }
        try {
            Template template = Expressions.template(t);
            template.expressions().forEach(c -> check(c, path, scope));
        } catch (ExpressionException ex) {
            problems.add(ex.location(), path, ex.getMessage());
        }
    }

    private Optional<CompiledExpression> compile(Expr e, String path) {
        try {
            return Optional.of(Expressions.compile(e));
        } catch (ExpressionException ex) {
            problems.add(ex.location(), path, ex.getMessage());
            return Optional.empty();
        }
    }

    private void check(CompiledExpression c, String path, Scope scope) {
        for (String f : c.functions()) {
            if (!Functions.NAMES.contains(f) && !BUILTINS.contains(f)) {
                problems.add(where(c, f + "("), path, "unknown function '" + f + "()'; the functions are "
                        + names(Functions.NAMES));
            }
        }
        for (List<String> ref : c.references()) {
            String error = problem(ref, scope);
            if (error != null) {
                String shown = String.join(".", ref.subList(0, Math.min(2, ref.size())));
                problems.add(where(c, shown), path, error + " (in '" + c.source().trim() + "')");
            }
        }
    }

    /** Where {@code text} first appears in the expression; its start when it does not. */
    private static SourceLocation where(CompiledExpression c, String text) {
        int i = c.source().indexOf(text);
        return i < 0 ? c.at() : c.at(i);
    }

    /** Names for messages, sorted so that a message reads the same on every run. */
    static String names(java.util.Collection<String> names) {
        return String.join(", ", new java.util.TreeSet<>(names));
    }

    /** What is wrong with one name path, or null. */
    private String problem(List<String> ref, Scope s) {
        String root = ref.get(0);
        String name = ref.size() > 1 ? ref.get(1) : null;
        if (!ROOTS.contains(root)) {
            return "unknown name '" + root + "': expressions start from " + names(ROOTS);
        }
        if (name == null || ignored.contains(name)) {
            return null;
        }
        return switch (root) {
            case "params" -> s.params().containsKey(name) ? null
                    : "no param '" + name + "' is declared" + hint(name, s.params().keySet());
            case "facts" -> runbook.facts().containsKey(name) ? null
                    : "no fact '" + name + "' is declared" + hint(name, runbook.facts().keySet());
            case "env" -> runbook.env().contains(name) ? null
                    : "env '" + name + "' is not listed under the runbook's 'env'";
            case "run" -> RUN_FIELDS.contains(name) ? null : "run has no '" + name + "'; it has " + names(RUN_FIELDS);
            case "target" -> !s.hasTarget() ? "'target' can be read in steps only, not in " + s.where()
                    : TARGET_FIELDS.contains(name) ? null : "target has no '" + name + "'; it has " + names(TARGET_FIELDS);
            case "previous" -> !s.rollback() ? "'previous' can be read in rollback steps only"
                    : PREVIOUS_FIELDS.contains(name) ? null : "previous has no '" + name + "'; it has " + names(PREVIOUS_FIELDS);
            default -> stepProblem(ref, s);
        };
    }

    private String stepProblem(List<String> ref, Scope s) {
        String id = ref.get(1);
        if (s.steps() == null) {
            return "steps cannot be read in " + s.where() + ": nothing has run yet";
        }
        if (!s.steps().containsKey(id)) {
            boolean exists = Validator.allStepIds(runbook).contains(id);
            return exists ? "step '" + id + "' has not run yet at " + s.where() + ": only earlier steps can be read"
                    : "no step '" + id + "'" + hint(id, s.steps().keySet());
        }
        if (ref.size() > 2) {
            String field = ref.get(2);
            if (!STEP_FIELDS.contains(field)) {
                return "a step has no '" + field + "'; it has " + names(STEP_FIELDS);
            }
            if (field.equals("outputs") && ref.size() > 3 && !s.steps().get(id).contains(ref.get(3))) {
                return "step '" + id + "' declares no output '" + ref.get(3) + "'" + hint(ref.get(3), s.steps().get(id));
            }
        }
        return null;
    }

    private static String hint(String name, Set<String> known) {
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String k : known) {
            int d = Math.abs(k.length() - name.length()) + (k.startsWith(name.substring(0, Math.min(2, name.length()))) ? 0 : 2);
            if (d < bestScore && (k.contains(name) || name.contains(k) || d <= 1)) {
                best = k;
                bestScore = d;
            }
        }
        return best == null ? "" : ": did you mean '" + best + "'?";
    }


}
