package dev.runbook.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports of {@code runbook verify}: the success checks evaluated now (the seed's "after one week"
 * metrics), as Markdown for people ({@code --report}) and JUnit XML for CI dashboards ({@code --junit}, a test case
 * per check under {@code runbook.NAME.checks}, as in a run's report).
 *
 * @param runbook the runbook's name
 * @param file    the runbook file
 * @param at      when the checks were evaluated
 * @param user    who asked, or null
 * @param checks  the checks, in the runbook's order
 */
public record VerifyReport(String runbook, String file, Instant at, String user, List<Check> checks) {

    /** A success check and what it gave now. */
    public record Check(String name, boolean holds, String detail) {
    }

    /** Whether every check holds. */
    public boolean verified() {
        return checks.stream().allMatch(Check::holds);
    }

    /** The Markdown report. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        long failed = checks.stream().filter(c -> !c.holds()).count();
        b.append("# ").append(MarkdownReport.cell(runbook)).append(": ")
                .append(verified() ? "VERIFIED" : "NOT VERIFIED").append("\n\n");
        b.append(verified() ? "Every success check holds." : failed + " of " + checks.size() + " success checks do not hold.")
                .append("\n\n");
        b.append("- Runbook: `").append(file).append("`\n");
        b.append("- Checked at: ").append(at).append('\n');
        if (user != null) {
            b.append("- By: ").append(MarkdownReport.cell(user)).append('\n');
        }
        b.append("\n| success check | result | detail |\n|---|---|---|\n");
        for (Check c : checks) {
            b.append("| ").append(MarkdownReport.cell(c.name())).append(" | ").append(c.holds() ? "holds" : "**FAILED**")
                    .append(" | ").append(c.detail() == null ? "" : MarkdownReport.cell(c.detail())).append(" |\n");
        }
        return b.toString();
    }

    /** The JUnit XML report. */
    public String junit() {
        List<JunitReport.Case> cases = new ArrayList<>();
        for (Check c : checks) {
            cases.add(c.holds() ? new JunitReport.Case("runbook." + runbook + ".checks", c.name(), 0, "passed", null, null, null)
                    : new JunitReport.Case("runbook." + runbook + ".checks", c.name(), 0, "failure", "check",
                            c.detail() == null ? "does not hold" : c.detail(), null));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("runbook.file", file);
        properties.put("verify.verdict", verified() ? "verified" : "not verified");
        if (user != null) {
            properties.put("verify.user", user);
        }
        return JunitReport.suite(runbook, at.toString(), 0, null, properties, cases,
                verified() ? "verified: every success check holds" : "NOT verified: a success check does not hold");
    }

    /**
     * Writes the reports asked for (either may be null).
     *
     * @return what could not be written, one line each
     */
    public List<String> write(Path markdownFile, Path junitFile) {
        List<String> errors = new ArrayList<>();
        if (markdownFile != null) {
            String e = AtomicFile.write(markdownFile, this::markdown);
            if (e != null) {
                errors.add(e);
            }
        }
        if (junitFile != null) {
            String e = AtomicFile.write(junitFile, this::junit);
            if (e != null) {
                errors.add(e);
            }
        }
        return errors;
    }
}
