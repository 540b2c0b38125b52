package dev.runbook.plan;

import java.util.List;

/** The plan as readable text for a terminal. */
public final class PlanText {

    private final StringBuilder out = new StringBuilder();

    private PlanText() {
    }

    public static String render(Plan plan) {
        return new PlanText().write(plan);
    }

    private String write(Plan p) {
        line("Plan: " + p.runbook() + (p.description() != null ? " — " + p.description() : ""));
        line("File: " + p.file());
        p.notes().forEach(n -> line("Note: " + n));
        line("Note: «name» is a value known only during the run, such as an earlier step's output");
        blank();
        line("Params");
        int w = p.params().stream().mapToInt(x -> x.name().length()).max().orElse(4);
        for (Plan.Param x : p.params()) {
            line("  " + pad(x.name(), w) + " = " + x.value() + (x.source().isEmpty() ? "" : "   (" + x.source()
                    + (x.secret() ? ", secret" : "") + ")"));
        }
        blank();
        line("Targets");
        for (Plan.Target t : p.targets()) {
            line("  " + t.name() + " [" + t.kind() + "] " + String.join(", ", t.hosts()));
        }
        blank();
        section("Preconditions (all must hold before anything changes)", p.preconditions());
        line("Steps");
        for (Plan.Step s : p.steps()) {
            step(s);
        }
        blank();
        line("Rollback triggers (checked after every step once armed, and on every monitor tick)");
        if (p.triggers().isEmpty()) {
            line("  (none)");
        }
        for (Plan.Trigger t : p.triggers()) {
            line("  " + triggerMark(t.status()) + " " + t.name() + (t.armedAfter() != null ? "   [armed after "
                    + t.armedAfter() + "]" : "   [armed from the start]"));
            line("      when " + t.expression());
            detail(triggerStatus(t.status()), t.detail());
        }
        blank();
        section("Success checks (the verdict)", p.success());
        line("Summary: " + p.summary());
        return out.toString();
    }

    private void step(Plan.Step s) {
        String indent = "  " + "   ".repeat(s.depth());
        StringBuilder head = new StringBuilder(indent + s.number() + ". " + (s.id() != null ? s.id() : s.kind()));
        if (!s.label().equals(s.id())) {
            head.append(" — ").append(s.label());
        }
        head.append("   [").append(s.kind()).append(" on ").append(s.target()).append(']');
        if (s.irreversible()) {
            head.append("  IRREVERSIBLE");
        }
        line(head.toString());
        String in = indent + "     ";
        if (s.description() != null) {
            line(in + s.description());
        }
        if (s.guard() != null) {
            line(in + "when " + s.guard().expression() + "  -> " + s.guard().status()
                    + (s.guard().status().equals("fails") ? " (the step will be skipped)" : "")
                    + (s.guard().detail().isEmpty() ? "" : ": " + s.guard().detail()));
        }
        s.actions().forEach(a -> line(in + a));
        if (s.fleet() != null) {
            int n = s.fleet().hosts().size();
            line(in + (n == 1 ? "on " : "on " + n + " hosts: ") + String.join(", ", s.fleet().hosts()));
            line(in + (s.fleet().once() ? "" : "rollout: ") + s.fleet().rollout());
        }
        List<String> limits = new java.util.ArrayList<>();
        if (s.timeout() != null) {
            limits.add("timeout " + s.timeout());
        }
        if (s.retries() > 0) {
            limits.add(s.retries() + " retries" + (s.delay() != null ? " " + s.delay() + " apart" : ""));
        }
        if (s.continueOnError()) {
            limits.add("continues on error");
        }
        if (!limits.isEmpty()) {
            line(in + String.join(", ", limits));
        }
        s.outputs().forEach((k, v) -> line(in + "output " + k + " = " + v));
        if (!s.rollback().isEmpty()) {
            line(in + "rollback (if the run rolls back after this step):");
            char letter = 'a';
            for (Plan.Action a : s.rollback()) {
                line(in + "  " + letter++ + ". [" + a.kind() + " on " + a.target() + "]"
                        + (a.when() != null ? " when " + a.when() + ":" : "") + " " + a.action());
            }
        }
    }

    private void section(String title, List<Plan.Check> checks) {
        line(title);
        if (checks.isEmpty()) {
            line("  (none)");
        }
        for (Plan.Check c : checks) {
            line("  " + mark(c.status()) + " " + c.name());
            if (!c.name().equals(c.expression())) {
                line("      " + c.expression());
            }
            detail(c.status(), c.detail());
        }
        blank();
    }

    private void detail(String status, String detail) {
        line("      " + status + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    private static String mark(String status) {
        return switch (status) {
            case "holds" -> "[ok]";
            case "fails" -> "[FAILS]";
            case "error" -> "[ERROR]";
            default -> "[?]";
        };
    }

    /** A trigger's condition holding means it would fire now: for a reviewer that is the alarm, not "ok". */
    private static String triggerMark(String status) {
        return switch (status) {
            case "holds" -> "[WOULD FIRE]";
            case "fails" -> "[quiet]";
            default -> mark(status);
        };
    }

    static String triggerStatus(String status) {
        return switch (status) {
            case "holds" -> "would fire now";
            case "fails" -> "quiet";
            default -> status;
        };
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private void blank() {
        out.append('\n');
    }
}
