package dev.runbook.report;

import dev.runbook.Runbooks;
import dev.runbook.diag.SourceLocation;
import dev.runbook.expr.CompiledExpression;
import dev.runbook.expr.Expressions;
import dev.runbook.model.Check;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The thresholds the HTML report draws into its fact charts: every comparison of a fact with a bound in a
 * {@code rollback_on} trigger's {@code when} and in a monitor step's checks, read from the runbook file of the run.
 * A bound is evaluated only when it reads nothing but the run's params (as the journal recorded them) and the
 * {@code duration()} function: a number, {@code params.budget} (a duration param is milliseconds),
 * {@code duration('2s')}, {@code params.limit * 2}. Anything else (a step output, another fact, a secret param, a
 * fragment's own params) is not drawn, and says why.
 */
final class HtmlThresholds {

    /**
     * A comparison of a fact with a bound.
     *
     * @param owner     {@code trigger} or {@code check of STEP}
     * @param name      the trigger's name or the check's label
     * @param value     the bound's value, or null when it could not be evaluated
     * @param notDrawn  why it could not, or null
     */
    record Threshold(String owner, String name, HtmlComparisons.Comparison comparison, Double value,
                     String notDrawn) {

        boolean trigger() {
            return owner.equals("trigger");
        }
    }

    /**
     * The thresholds of a run's runbook.
     *
     * @param problem why none could be read (the file is gone, changed since the run, or invalid), or null
     */
    record Found(List<Threshold> thresholds, String problem) {

        /** The thresholds over one path of a fact. */
        List<Threshold> over(String fact, List<String> path) {
            return thresholds.stream().filter(t -> t.comparison().fact().equals(fact)
                    && t.comparison().path().equals(path)).toList();
        }
    }

    private final Map<String, Object> params;
    private final List<Threshold> out = new ArrayList<>();

    private HtmlThresholds(Map<String, Object> params) {
        this.params = params;
    }

    /**
     * The thresholds in {@code file}, bounds evaluated with the run's {@code params}; when the file's SHA-256 is not
     * {@code sha256} (the one the journal recorded, if any), it is not the runbook that ran and nothing is drawn.
     */
    static Found of(String file, String sha256, Map<String, Object> params) {
        if (file == null) {
            return new Found(List.of(), "the journal does not name the runbook file");
        }
        Path path = Path.of(file);
        try {
            if (sha256 != null && !sha256.equals(sha256(path))) {
                return new Found(List.of(), file + " changed since the run: its thresholds are not drawn");
            }
        } catch (IOException e) {
            return new Found(List.of(), "cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "): its thresholds are not drawn");
        }
        Runbooks.Loaded loaded = Runbooks.load(path);
        if (!loaded.ok()) {
            return new Found(List.of(), file + " is not valid now: its thresholds are not drawn");
        }
        HtmlThresholds t = new HtmlThresholds(params);
        t.read(loaded.runbook());
        return new Found(List.copyOf(t.out), null);
    }

    private void read(Runbook runbook) {
        for (Trigger trigger : runbook.rollbackOn()) {
            add("trigger", trigger.name(), trigger.when().source(), null);
        }
        steps(runbook.steps(), null);
    }

    /** The checks of every monitor step, in groups and included fragments too. */
    private void steps(List<Step> steps, String fragment) {
        for (Step step : steps) {
            if (step instanceof Step.Monitor m) {
                for (Check c : m.checks()) {
                    add("check of " + m.id(), c.label(), c.that().source(), fragment);
                }
            } else if (step instanceof Step.Group g) {
                steps(g.steps(), fragment);
            } else if (step instanceof Step.Include i && i.fragment() != null) {
                steps(i.fragment().steps(), i.fragment().name());
            }
        }
    }

    private void add(String owner, String name, String expression, String fragment) {
        for (HtmlComparisons.Comparison c : HtmlComparisons.in(expression)) {
            String bound = c.bound();
            try {
                CompiledExpression e = Expressions.compile(bound, new SourceLocation(null, 1, 1));
                String why = unevaluable(e, fragment);
                if (why != null) {
                    out.add(new Threshold(owner, name, c, null, why));
                    continue;
                }
                Map<String, Object> roots = new HashMap<>();
                roots.put("params", params);
                Object v = e.evaluate(roots);
                out.add(v instanceof Number n && Double.isFinite(n.doubleValue())
                        ? new Threshold(owner, name, c, n.doubleValue(), null)
                        : new Threshold(owner, name, c, null, "the bound is not a number"));
            } catch (RuntimeException e) {
                out.add(new Threshold(owner, name, c, null, "the bound cannot be evaluated"));
            }
        }
    }

    /** Why a bound cannot be evaluated from the journal alone, or null when it can. */
    private String unevaluable(CompiledExpression e, String fragment) {
        for (List<String> ref : e.references()) {
            if (!ref.get(0).equals("params") || ref.size() < 2) {
                return "the bound reads " + String.join(".", ref) + ", which the report does not know";
            }
            if (fragment != null) {
                return "the bound reads the params of the included fragment " + fragment;
            }
            if (!params.containsKey(ref.get(1))) {
                return "the journal does not record params." + ref.get(1);
            }
            if ("***".equals(params.get(ref.get(1)))) {
                return "params." + ref.get(1) + " is secret";
            }
        }
        List<String> other = e.functions().stream().filter(f -> !f.equals("duration")).toList();
        return other.isEmpty() ? null : "the bound calls " + other.get(0) + "()";
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
