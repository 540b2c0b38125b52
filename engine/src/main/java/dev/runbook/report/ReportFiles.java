package dev.runbook.report;

import dev.runbook.exec.RunHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The report files asked for after a run, each written from the run's journal.
 *
 * @param markdown the Markdown report, or null
 * @param junit    the JUnit XML report, or null
 * @param json     the JSON report, or null
 * @param html     the HTML report (one self-contained page), or null
 */
public record ReportFiles(Path markdown, Path junit, Path json, Path html) {

    /** Whether any report was asked for. */
    public boolean any() {
        return markdown != null || junit != null || json != null || html != null;
    }

    /**
     * Writes every report asked for, each whole or not at all (a reader never sees half a file).
     *
     * @return what could not be written, one line each; empty when everything was
     */
    public List<String> write(Path journal) {
        List<String> errors = new ArrayList<>();
        RunReport report;
        RunHistory history;
        try {
            history = RunHistory.read(journal);
            report = ReportBuilder.build(history, journal);
        } catch (RuntimeException e) {
            errors.add("cannot write the reports: the journal " + journal + " cannot be read: " + e.getMessage());
            return errors;
        }
        write(markdown, report, MarkdownReport::render, errors);
        write(junit, report, JunitReport::render, errors);
        write(json, report, JsonReport::render, errors);
        write(html, report, r -> HtmlReport.render(r, history), errors);
        return errors;
    }

    private static void write(Path file, RunReport report, Function<RunReport, String> render, List<String> errors) {
        if (file == null) {
            return;
        }
        String error = AtomicFile.write(file, () -> render.apply(report));
        if (error != null) {
            errors.add(error);
        }
    }
}
