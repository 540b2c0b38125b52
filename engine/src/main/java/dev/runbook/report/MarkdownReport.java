package dev.runbook.report;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code --report FILE.md}: the run as a manager reads it. The verdict in words comes first, then who ran what
 * when, what to do next when the run stopped, the steps as a table, what was skipped and why, the checks and
 * triggers with the values that decided them, the facts, and the rollback.
 */
public final class MarkdownReport {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final StringBuilder md = new StringBuilder();

    private MarkdownReport() {
    }

    /** The report as Markdown text. */
    public static String render(RunReport r) {
        MarkdownReport m = new MarkdownReport();
        m.write(r);
        return m.md.toString();
    }

    private void write(RunReport r) {
        line("# Run report: " + r.runbook());
        line("");
        line("**Verdict: " + r.verdict() + ".** " + r.message());
        line("");
        line("| | |");
        line("|---|---|");
        line("| Runbook | " + cell(r.runbook()) + " (`" + cell(r.file()) + "`) |");
        line("| Run | `" + r.runId() + "`" + (r.resumes() > 0 ? " (continued " + r.resumes() + " time(s))" : "") + " |");
        line("| Started by | " + cell(r.user() == null ? "(not recorded)" : r.user()) + " |");
        line("| Started | " + WHEN.format(r.started()) + " |");
        line("| Last event | " + WHEN.format(r.ended()) + " (" + duration(r.duration()) + " after the start) |");
        line("| Status | `" + (r.status() == null ? "stopped" : r.status()) + "` |");
        if (!r.params().isEmpty()) {
            line("| Params | " + cell(r.params().entrySet().stream()
                    .map(e -> e.getKey() + "=" + ReportBuilder.text(e.getValue())).collect(Collectors.joining(", ")))
                    + " |");
        }
        if (!r.next().isEmpty()) {
            section("What to do next");
            line("The run stopped before its end. To continue it, or to undo what it did:");
            line("");
            r.next().forEach(c -> line("- `" + c + "`"));
        }
        steps(r);
        checks("Preconditions", r.preconditions());
        triggers(r.triggers());
        approvals(r.approvals());
        facts(r.facts());
        rollback(r.rollback());
        checks("Success checks", r.successChecks());
    }

    private void steps(RunReport r) {
        section("Steps");
        if (r.steps().isEmpty()) {
            line("No step started.");
            return;
        }
        line("| Step | Status | Duration | Attempts | Hosts | Detail |");
        line("|---|---|---|---|---|---|");
        for (RunReport.Step s : r.steps()) {
            String hosts = s.hosts().isEmpty() ? "" : s.hostsOk() + "/" + s.hosts().size() + " ok"
                    + (s.hostsFailed() > 0 ? ", " + s.hostsFailed() + " failed" : "");
            line("| `" + s.id() + "`" + (s.name() != null ? " " + cell(s.name()) : "") + " | " + status(s.status())
                    + " | " + duration(Duration.ofMillis(s.durationMs())) + " | " + s.attempts() + " | " + hosts
                    + " | " + cell(detail(s)) + " |");
        }
        List<RunReport.Step> skipped = r.steps().stream().filter(RunReport.Step::skipped).toList();
        if (!skipped.isEmpty()) {
            section("Skipped");
            skipped.forEach(s -> line("- `" + s.id() + "`: " + (s.error() == null ? "skipped" : s.error())));
        }
        List<RunReport.Step> fleet = r.steps().stream().filter(s -> s.hosts().stream().anyMatch(h -> !h.status()
                .equals("ok"))).toList();
        for (RunReport.Step s : fleet) {
            section("Hosts where `" + s.id() + "` was not ok");
            s.hosts().stream().filter(h -> !h.status().equals("ok")).forEach(h -> line("- " + h.name() + ": "
                    + h.status() + (h.reached() ? "" : " (unreachable)") + (h.error() != null ? ", " + h.error() : "")));
        }
    }

    private static String detail(RunReport.Step s) {
        String d = s.error() == null ? "" : s.error();
        if (s.failed() && s.stderr() != null) {
            String last = s.stderr().lines().reduce((a, b) -> b).orElse("");
            d += d.isEmpty() ? last : " — " + last;
        }
        return d;
    }

    private void checks(String title, List<RunReport.Check> checks) {
        if (checks.isEmpty()) {
            return;
        }
        section(title);
        for (RunReport.Check c : checks) {
            line("- " + (c.holds() ? "holds" : "**does not hold**") + ": " + c.name()
                    + (c.detail() != null ? " (" + c.detail() + ")" : "") + (c.message() != null ? " — " + c.message() : "")
                    + values(c.values()));
        }
    }

    private void triggers(List<RunReport.Trigger> fired) {
        if (fired.isEmpty()) {
            return;
        }
        section("Rollback triggers that fired");
        fired.forEach(t -> line("- **" + t.name() + "** after `" + t.afterStep() + "`: `" + t.when() + "`"
                + (t.message() != null ? " — " + t.message() : "") + values(t.values())));
    }

    private void approvals(List<RunReport.Approval> gates) {
        if (gates.isEmpty()) {
            return;
        }
        section("Approvals");
        gates.forEach(a -> line("- `" + a.step() + "`: " + (a.question() != null ? a.question() + " — " : "")
                + (a.answer() == null ? "**waiting for an answer**" : a.answer())));
    }

    private void facts(List<RunReport.Fact> facts) {
        if (facts.isEmpty()) {
            return;
        }
        section("Facts that decided");
        line("| Fact | Kind | Value | Collected |");
        line("|---|---|---|---|");
        facts.forEach(f -> line("| " + cell(f.name()) + " | " + cell(f.kind()) + " | "
                + cell(f.value() != null ? f.value() : "could not be collected: " + f.error()) + " | "
                + WHEN.format(f.time()) + (f.times() > 1 ? " (" + f.times() + " times)" : "") + " |"));
    }

    private void rollback(RunReport.Rollback rb) {
        if (rb == null) {
            return;
        }
        section("Rollback");
        line("Why: " + rb.reason() + ". "
                + (rb.complete() == null ? "The rollback did not finish."
                : rb.complete() ? "Complete: everything that could be undone was." : "**INCOMPLETE.**"));
        if (!rb.actions().isEmpty()) {
            line("");
            line("| Step | Action | Host | Status | Duration | Detail |");
            line("|---|---|---|---|---|---|");
            rb.actions().forEach(a -> line("| `" + a.step() + "` | " + a.number() + (a.kind() != null ? " (" + a.kind()
                    + ")" : "") + " | " + cell(a.host() == null ? "" : a.host()) + " | " + status(a.status()) + " | "
                    + duration(Duration.ofMillis(a.durationMs())) + " | " + cell(a.error() != null ? a.error()
                    : a.when() != null ? "its guard does not hold: " + a.when() : "") + " |"));
        }
        if (!rb.failed().isEmpty()) {
            line("");
            line("Compensation failed for: " + String.join(", ", rb.failed()) + ".");
        }
        if (rb.irreversible() != null) {
            line("");
            line("Stopped at the irreversible step `" + rb.irreversible() + "`; a human must act on: "
                    + String.join(", ", rb.notRolledBack()) + ".");
        }
    }

    private static String values(Map<String, Object> values) {
        if (values.isEmpty()) {
            return "";
        }
        return " (" + values.entrySet().stream().map(e -> "`" + e.getKey() + "` = `" + ReportBuilder.text(e.getValue())
                + "`").collect(Collectors.joining(", ")) + ")";
    }

    private static String status(String status) {
        return switch (status) {
            case "ok" -> "ok";
            case "skipped" -> "skipped";
            case "awaiting_approval" -> "waiting for approval";
            case "unanswered" -> "never answered";
            default -> "**" + status.replace('_', ' ').toUpperCase(Locale.ROOT) + "**";
        };
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        Duration s = d.truncatedTo(ChronoUnit.SECONDS);
        return s.toHours() > 0 ? s.toHours() + " h " + s.toMinutesPart() + " min"
                : s.toMinutes() + " min " + s.toSecondsPart() + " s";
    }

    /** Text safe in a table cell: one line, pipes escaped. */
    static String cell(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
    }

    private void section(String title) {
        line("");
        line("## " + title);
        line("");
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
