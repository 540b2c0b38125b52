package dev.runbook.cli;

import dev.runbook.exec.RunEngine;
import dev.runbook.report.ReportFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The report files a command that runs steps writes from the run's journal when it returns. */
final class ReportOptions {

    @Option(names = "--report", paramLabel = "FILE.md",
            description = "Write a Markdown report of the run (verdict, steps, checks, facts, rollback).")
    Path markdown;

    @Option(names = "--junit", paramLabel = "FILE.xml",
            description = "Write the run as JUnit XML (steps, checks and preconditions as test cases) for CI.")
    Path junit;

    @Option(names = "--json-report", paramLabel = "FILE.json",
            description = "Write the report as JSON (schemas/report.schema.json).")
    Path json;

    @Option(names = "--html", paramLabel = "FILE.html",
            description = "Write the report as one self-contained web page: a timeline of the steps and a chart of"
                    + " each monitored fact with the trigger thresholds drawn in.")
    Path html;

    /**
     * Writes the reports asked for and returns the command's exit code: the run's own, unless the run succeeded
     * and a report could not be written ({@link ExitCodes#INVALID}); a failed run's code is never hidden.
     */
    int write(RunEngine.Outcome outcome, int code, PrintWriter err) {
        ReportFiles files = new ReportFiles(markdown, junit, json, html);
        if (!files.any() || outcome.journal() == null) {
            return code;
        }
        var errors = files.write(outcome.journal());
        errors.forEach(e -> err.println("runbook: " + e));
        err.flush();
        return errors.isEmpty() || code != ExitCodes.OK ? code : ExitCodes.INVALID;
    }
}
