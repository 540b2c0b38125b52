package dev.runbook.report;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runbook verify --report F.md --junit F.xml}: the success checks of a later re-check, for people and CI. */
class VerifyReportTest {

    @TempDir
    Path tmp;

    /** {@code runbook NAME deploy-fails-rolls-back.yml --state-dir ... MORE}. */
    private RunFixture.Result command(String name, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(name,
                example("deploy-fails-rolls-back.yml").toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "workdir=" + tmp.resolve("work")));
        args.addAll(java.util.List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    void aVerifiedRunWritesEveryCheckAsHoldingInBothReports() throws Exception {
        assertThat(command("exec", "--set", "smoke_ok=true").code()).isZero();
        Path md = tmp.resolve("out/verify.md");
        Path xml = tmp.resolve("out/verify.xml");

        RunFixture.Result r = command("verify", "--report", md.toString(), "--junit", xml.toString());

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(md)).startsWith("# deploy-fails-rolls-back: VERIFIED")
                .contains("Every success check holds.", "| the smoke test passed | holds |");
        String junit = Files.readString(xml);
        assertThat(ReportChecks.junitProblems(junit)).isEmpty();
        assertThat(junit).contains("<testsuite name=\"deploy-fails-rolls-back\"", "failures=\"0\"",
                "<testcase classname=\"runbook.deploy-fails-rolls-back.checks\" name=\"the smoke test passed\"");
    }

    @Test
    void aCheckThatNoLongerHoldsIsAFailureInBothReports() throws Exception {
        assertThat(command("exec").code()).isEqualTo(ExitCodes.FAILED);
        Path md = tmp.resolve("verify.md");
        Path xml = tmp.resolve("verify.xml");

        RunFixture.Result r = command("verify", "--report", md.toString(), "--junit", xml.toString());

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(Files.readString(md)).startsWith("# deploy-fails-rolls-back: NOT VERIFIED")
                .contains("| the smoke test passed | **FAILED** |");
        String junit = Files.readString(xml);
        assertThat(ReportChecks.junitProblems(junit)).isEmpty();
        assertThat(junit).contains("failures=\"1\"", "<failure type=\"check\"");
    }

    @Test
    void aReportThatCannotBeWrittenIsAnErrorAfterAVerifiedRun() throws Exception {
        assertThat(command("exec", "--set", "smoke_ok=true").code()).isZero();
        Files.createDirectories(tmp.resolve("taken.md"));

        RunFixture.Result r = command("verify", "--report", tmp.resolve("taken.md").toString());

        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("runbook: cannot write the report " + tmp.resolve("taken.md") + ": it is a directory");
    }
}
