package dev.runbook.cli;

import static dev.runbook.exec.RunFixture.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runbook plan FILE --report PLAN.md}: the reviewer's plan kept as Markdown beside the console's text. */
class PlanReportTest {

    static final String PRODUCTION = RunFixture.ROOT.resolve("runbooks/production.yml").toString();
    static final String CUSTOMER = RunFixture.ROOT.resolve("runbooks/customers/example.yml").toString();

    @TempDir
    Path tmp;

    @Test
    void thePlanIsPrintedAsTextAndWrittenAsMarkdown() throws Exception {
        Path md = tmp.resolve("review/plan.md");

        RunFixture.Result r = cli("plan", PRODUCTION, "--vars", CUSTOMER, "--offline", "--report", md.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("Plan: production-deploy");
        String report = Files.readString(md);
        assertThat(report).startsWith("# Plan: production-deploy")
                .contains("git pull --ff-only origin main")
                .contains("pg_restore --clean --if-exists --single-transaction")
                .doesNotContain(System.getenv().getOrDefault("DATABASE_URL", "postgres://never-set"));
    }

    @Test
    void aReportThatCannotBeWrittenSaysWhyAndExits2() throws Exception {
        Files.createDirectories(tmp.resolve("plan.md"));

        RunFixture.Result r = cli("plan", PRODUCTION, "--vars", CUSTOMER, "--offline", "--report",
                tmp.resolve("plan.md").toString());

        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("cannot write the report " + tmp.resolve("plan.md") + ": it is a directory");
    }
}
