package dev.runbook.report;

import static dev.runbook.report.HtmlText.esc;

import dev.runbook.exec.RunHistory;
import dev.runbook.journal.Event;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --html FILE.html}: the run as one self-contained web page (inline CSS and SVG, no script, no font or
 * image to fetch). The verdict first, in colour, with who ran what when; then the steps as a timeline and a table,
 * the triggers that fired, a chart of every fact collected more than once with the thresholds that compare it,
 * the checks, the rollback and what to do next. Every piece of text is escaped; secrets are masked already, as
 * the journal keeps them.
 */
public final class HtmlReport {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final StringBuilder html = new StringBuilder();
    private final RunReport report;
    private final RunHistory history;

    private HtmlReport(RunReport report, RunHistory history) {
        this.report = report;
        this.history = history;
    }

    /** The page of the run whose report is {@code report}, read from the journal {@code history}. */
    public static String render(RunReport report, RunHistory history) {
        HtmlReport h = new HtmlReport(report, history);
        h.page();
        return h.html.toString();
    }

    private void page() {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
                .append(esc("Run report: " + report.runbook() + " " + report.runId())).append("</title>\n<style>\n")
                .append(HtmlStyle.CSS).append("</style>\n</head>\n<body>\n");
        header();
        timeline();
        steps();
        triggers();
        facts();
        checks();
        rollback();
        next();
        html.append("</body>\n</html>\n");
    }

    private void header() {
        String tone = "succeeded".equals(report.status()) ? "ok" : report.over() ? "failed" : "stopped";
        html.append("<header>\n<h1>Run report: ").append(esc(report.runbook())).append("</h1>\n")
                .append("<p class=\"verdict ").append(tone).append("\" id=\"verdict\"><b>").append(esc(report.verdict()))
                .append(".</b> ").append(esc(report.message())).append("</p>\n<dl class=\"facts\">\n");
        item("Run", "<code>" + esc(report.runId()) + "</code>"
                + (report.resumes() > 0 ? " (continued " + report.resumes() + " time(s))" : ""));
        item("Runbook file", "<code>" + esc(report.file()) + "</code>");
        if (report.user() != null) {
            item("Started by", esc(report.user()));
        }
        item("Started", esc(WHEN.format(report.started())));
        item("Ended", esc(WHEN.format(report.ended())) + " (last event)");
        item("Duration", esc(HtmlText.duration(report.duration().toMillis())));
        if (!report.params().isEmpty()) {
            StringBuilder p = new StringBuilder();
            report.params().forEach((k, v) -> p.append("<code>").append(esc(k + "=" + ReportBuilder.text(v)))
                    .append("</code> "));
            item("Params", p.toString().trim());
        }
        html.append("</dl>\n</header>\n");
    }

    private void item(String term, String definition) {
        html.append("<dt>").append(esc(term)).append("</dt><dd>").append(definition).append("</dd>\n");
    }

    private void timeline() {
        html.append("<section id=\"timeline\">\n<h2>Timeline</h2>\n<p class=\"legend\">")
                .append("<span class=\"key ok\"></span>ok <span class=\"key failed\"></span>failed ")
                .append("<span class=\"key skipped\"></span>skipped <span class=\"key rolled-back\"></span>rolled back ")
                .append("<span class=\"key pending\"></span>not finished <span class=\"key fired\"></span>trigger fired")
                .append(" \u2014 time from the start of the run</p>\n")
                .append(HtmlTimeline.render(history.events(), report.started(), report.ended()))
                .append("</section>\n");
    }

    private void steps() {
        html.append("<section id=\"steps\">\n<h2>Steps</h2>\n<table>\n<thead><tr><th>Step</th><th>Kind</th>")
                .append("<th>Target</th><th>Status</th><th>Time</th><th>Attempts</th><th>Detail</th></tr></thead>\n")
                .append("<tbody>\n");
        for (RunReport.Step s : report.steps()) {
            String status = s.status().replace('_', ' ');
            String detail = s.error() == null ? "" : s.error();
            if (s.stderr() != null && !s.stderr().isBlank() && s.failed()) {
                detail += (detail.isEmpty() ? "" : " \u2014 ") + s.stderr().strip();
            }
            if (!s.hosts().isEmpty()) {
                detail = s.hostsOk() + "/" + s.hosts().size() + " hosts ok" + (detail.isEmpty() ? "" : "; " + detail);
            }
            String tone = s.failed() ? "failed" : s.skipped() ? "skipped" : "ok".equals(s.status()) ? "ok" : "pending";
            String time = HtmlText.duration(s.durationMs());
            RunReport.Trigger stopper = stoppedBy(s);
            if (stopper != null) {
                status = "stopped by a trigger";
                tone = "failed";
                time = "";
                detail = "the trigger '" + stopper.name() + "' fired during it" + (detail.isEmpty() ? "" : "; " + detail);
            }
            html.append("<tr data-step=\"").append(esc(s.id())).append("\"><td><code>").append(esc(s.id()))
                    .append("</code>").append(s.name() == null ? "" : " " + esc(s.name())).append("</td><td>")
                    .append(esc(s.kind())).append("</td><td>").append(esc(s.target())).append("</td><td class=\"")
                    .append(tone).append("\">").append(esc(status)).append("</td><td class=\"num\">").append(esc(time))
                    .append("</td><td>").append(s.attempts()).append("</td><td class=\"detail\">").append(esc(detail))
                    .append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    /** The trigger that stopped a step that never ended (it fired during a monitor window), or null. */
    private RunReport.Trigger stoppedBy(RunReport.Step s) {
        if (!s.status().equals("unfinished")) {
            return null;
        }
        return report.triggers().stream().filter(t -> s.id().equals(t.afterStep())).findFirst().orElse(null);
    }

    private void triggers() {
        if (report.triggers().isEmpty()) {
            return;
        }
        html.append("<section id=\"triggers\">\n<h2>Rollback triggers that fired</h2>\n<ul>\n");
        for (RunReport.Trigger t : report.triggers()) {
            html.append("<li><b>").append(esc(t.name())).append("</b> after <code>").append(esc(t.afterStep()))
                    .append("</code>: <code>").append(esc(t.when())).append("</code>")
                    .append(t.message() == null ? "" : " \u2014 " + esc(t.message()));
            if (!t.values().isEmpty()) {
                html.append(" (");
                StringBuilder v = new StringBuilder();
                t.values().forEach((k, val) -> v.append(v.length() == 0 ? "" : ", ").append("<code>").append(esc(k))
                        .append("</code> = <code>").append(esc(ReportBuilder.text(val))).append("</code>"));
                html.append(v).append(')');
            }
            html.append("</li>\n");
        }
        html.append("</ul>\n</section>\n");
    }

    private void facts() {
        HtmlThresholds.Found found = HtmlThresholds.of(report.file(), history.started().text("file_sha256"),
                report.params());
        Map<String, Set<List<String>>> wanted = new LinkedHashMap<>();
        found.thresholds().forEach(t -> wanted.computeIfAbsent(t.comparison().fact(), k -> new LinkedHashSet<>())
                .add(t.comparison().path()));
        List<Event> events = history.events();
        List<HtmlFactSeries> series = HtmlFactSeries.of(events, wanted);
        List<String> plain = HtmlFactSeries.withoutNumbers(events, series);
        if (series.isEmpty() && plain.isEmpty()) {
            return;
        }
        html.append("<section id=\"facts\">\n<h2>Facts over time</h2>\n<p class=\"legend\">")
                .append("<span class=\"key series\"></span>value <span class=\"key trigger\"></span>trigger threshold ")
                .append("<span class=\"key check\"></span>monitor check threshold <span class=\"key fired\"></span>")
                .append("trigger fired \u2014 time from the start of the run</p>\n");
        for (HtmlFactSeries s : series) {
            html.append(HtmlChart.render(s, found.over(s.fact(), s.path()), found.problem(), report.started()));
        }
        for (String fact : plain) {
            html.append("<p class=\"note\">").append(esc(fact)).append(": collected more than once, no number to chart.")
                    .append("</p>\n");
        }
        html.append("</section>\n");
    }

    private void checks() {
        if (report.preconditions().isEmpty() && report.successChecks().isEmpty()) {
            return;
        }
        html.append("<section id=\"checks\">\n<h2>Checks</h2>\n<ul>\n");
        report.preconditions().forEach(c -> check("precondition", c));
        report.successChecks().forEach(c -> check("success check", c));
        html.append("</ul>\n</section>\n");
    }

    private void check(String what, RunReport.Check c) {
        html.append("<li class=\"").append(c.holds() ? "ok" : "failed").append("\">").append(esc(what)).append(' ')
                .append(c.holds() ? "holds" : "<b>does not hold</b>").append(": ").append(esc(c.name()))
                .append(c.detail() == null ? "" : " \u2014 " + esc(c.detail()))
                .append(c.message() == null || c.holds() ? "" : " \u2014 " + esc(c.message())).append("</li>\n");
    }

    private void rollback() {
        RunReport.Rollback r = report.rollback();
        if (r == null) {
            return;
        }
        html.append("<section id=\"rollback\">\n<h2>Rollback</h2>\n<p>Why: ").append(esc(r.reason())).append(". ")
                .append(r.complete() == null ? "The rollback did not finish."
                        : r.complete() ? "Complete: everything that could be undone was."
                        : "<b class=\"failed\">INCOMPLETE: a human must act.</b>").append("</p>\n");
        if (r.irreversible() != null) {
            html.append("<p>Stopped at the irreversible step <code>").append(esc(r.irreversible()))
                    .append("</code>; not rolled back: ").append(esc(String.join(", ", r.notRolledBack())))
                    .append("</p>\n");
        }
        boolean fleet = r.actions().stream().anyMatch(a -> a.host() != null);
        html.append("<table>\n<thead><tr><th>Step</th><th>Action</th>").append(fleet ? "<th>Host</th>" : "")
                .append("<th>Status</th><th>Time</th><th>Detail</th></tr></thead>\n<tbody>\n");
        for (RunReport.Action a : r.actions()) {
            String detail = a.error() != null ? a.error() : a.when() != null ? "its guard does not hold: " + a.when() : "";
            html.append("<tr><td><code>").append(esc(a.step())).append("</code></td><td>").append(a.number())
                    .append(a.kind() == null ? "" : " (" + esc(a.kind()) + ")").append("</td>")
                    .append(fleet ? "<td>" + esc(a.host()) + "</td>" : "").append("<td class=\"").append("ok".equals(a.status()) ? "ok" : "skipped".equals(a.status())
                            ? "skipped" : "failed").append("\">").append(esc(a.status())).append("</td><td>")
                    .append(esc(HtmlText.duration(a.durationMs()))).append("</td><td class=\"detail\">")
                    .append(esc(detail)).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private void next() {
        if (report.next().isEmpty()) {
            return;
        }
        html.append("<section id=\"next\">\n<h2>What to do next</h2>\n<p>The run stopped before its end. To continue")
                .append(" it, or to undo what it did:</p>\n<ul>\n");
        report.next().forEach(n -> html.append("<li><code>").append(esc(n)).append("</code></li>\n"));
        html.append("</ul>\n</section>\n");
    }
}
