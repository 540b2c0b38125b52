package dev.runbook.report;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.report.ReportChecks.cases;
import static dev.runbook.report.ReportChecks.counts;
import static dev.runbook.report.ReportChecks.jsonProblems;
import static dev.runbook.report.ReportChecks.junit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --report}, {@code --junit} and {@code --json-report} after runs through the CLI: what a manager reads in
 * the Markdown, what a CI server counts in the JUnit XML (valid against the xUnit plugin's XSD), and the JSON
 * (valid against {@code schemas/report.schema.json}).
 */
class ReportsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /** {@code runbook COMMAND ARG --state-dir STATE} with all three reports, and more arguments. */
    private RunFixture.Result run(String command, String arg, String... more) {
        List<String> args = new ArrayList<>(List.of(command, arg, "--state-dir", dir.resolve("state").toString(),
                "--report", dir.resolve("r.md").toString(), "--junit", dir.resolve("r.xml").toString(),
                "--json-report", dir.resolve("r.json").toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private String markdown() {
        return read(dir.resolve("r.md"));
    }

    private JsonNode json() {
        String text = read(dir.resolve("r.json"));
        assertThat(jsonProblems(text)).as("the JSON report against report.schema.json:\n" + text).isEmpty();
        return JSON.readTree(text);
    }

    @Test
    void successNamesTheVerdictStepsSkipsAndTheFactsThatDecided() throws Exception {
        Path file = runbook(dir, "ok.yml", """
                runbook: release-ok
                version: 1
                params:
                  token: { type: string, secret: true, default: hunter2 }
                facts:
                  disk: { shell: "echo 42" }
                preconditions:
                  - name: disk answers
                    that: "facts.disk == '42'"
                steps:
                  - id: build
                    name: Build the release
                    run: "echo building with ${params.token}"
                  - id: cleanup
                    when: "facts.disk == '0'"
                    run: "echo never"
                success:
                  - name: built
                    that: "steps.build.ok"
                """);
        RunFixture.Result r = run("exec", file.toString());
        assertThat(r.code()).as(r.console()).isZero();

        String md = markdown();
        assertThat(md).startsWith("# Run report: release-ok\n\n**Verdict: Succeeded.** every step ran and every"
                + " success check holds");
        assertThat(md).contains("| Run | `" + onlyRun(dir.resolve("state")) + "` |",
                "| Started by | " + System.getProperty("user.name") + " |", "token=***");
        assertThat(md).doesNotContain("hunter2", "What to do next", "## Rollback");
        assertThat(md).containsPattern("\\| `build` Build the release \\| ok \\| \\d+ ms \\| 1 \\|");
        assertThat(md).contains("| `cleanup` | skipped |");
        assertThat(md).contains("## Skipped\n\n- `cleanup`: its guard does not hold: facts.disk == '0'\n");
        assertThat(md).contains("## Facts that decided").containsPattern("\\| disk \\| shell \\| 42 \\| .* UTC \\(2 times\\) \\|");
        assertThat(md).contains("## Preconditions\n\n- holds: disk answers\n", "## Success checks\n\n- holds: built\n");

        Document xml = junit(dir.resolve("r.xml"));
        assertThat(xml.getDocumentElement().getAttribute("name")).isEqualTo("release-ok");
        assertThat(counts(xml)).isEqualTo("4/0/0/1");
        assertThat(cases(xml)).containsExactly(
                "runbook.release-ok.preconditions disk answers passed",
                "runbook.release-ok.steps build passed",
                "runbook.release-ok.steps cleanup skipped",
                "runbook.release-ok.checks built passed");

        JsonNode j = json();
        assertThat(j.path("status").asString()).isEqualTo("succeeded");
        assertThat(j.path("over").asBoolean()).isTrue();
        assertThat(j.path("skipped").get(0).path("reason").asString()).contains("facts.disk == '0'");
        assertThat(j.path("facts").get(0).path("value").asString()).isEqualTo("42");
        assertThat(j.path("params").path("token").asString()).isEqualTo("***");
    }

    @Test
    void failureShowsTheFailedStepItsErrorAndTheRollbackActions() throws Exception {
        Path file = runbook(dir, "fails.yml", """
                runbook: release-fails
                version: 1
                steps:
                  - id: upload
                    run: "echo uploaded"
                    rollback:
                      - run: "echo removed"
                  - id: migrate
                    run: "echo 'relation users is locked' >&2; exit 3"
                    rollback:
                      - run: "echo nothing to undo"
                      - run: "echo restore"
                        when: "previous.failed"
                  - id: announce
                    run: "echo never"
                """);
        RunFixture.Result r = run("exec", file.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(1);

        String md = markdown();
        assertThat(md).startsWith("# Run report: release-fails\n\n**Verdict: Failed and rolled back.** step"
                + " 'migrate' failed: exit code 3; rolled back");
        assertThat(md).contains("| `migrate` | **FAILED** |").contains("exit code 3 — relation users is locked");
        assertThat(md).doesNotContain("`announce`");
        assertThat(md).contains("## Rollback\n\nWhy: step 'migrate' failed: exit code 3. Complete: everything that"
                + " could be undone was.");
        assertThat(md).containsPattern("\\| `migrate` \\| 1 \\(run\\) \\|  \\| ok \\|")
                .containsPattern("\\| `migrate` \\| 2 \\|  \\| skipped \\| 0 ms \\| its guard does not hold: previous.failed \\|")
                .containsPattern("\\| `upload` \\| 1 \\(run\\) \\|  \\| ok \\|");

        Document xml = junit(dir.resolve("r.xml"));
        assertThat(counts(xml)).isEqualTo("5/1/0/1");
        assertThat(cases(xml)).containsExactly(
                "runbook.release-fails.steps upload passed",
                "runbook.release-fails.steps migrate failure",
                "runbook.release-fails.rollback migrate#1 passed",
                "runbook.release-fails.rollback migrate#2 skipped",
                "runbook.release-fails.rollback upload#1 passed");
        var failure = (org.w3c.dom.Element) xml.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("exit code 3");
        assertThat(failure.getAttribute("type")).isEqualTo("failed");
        assertThat(failure.getTextContent()).contains("relation users is locked");

        JsonNode j = json();
        assertThat(j.path("verdict").asString()).isEqualTo("Failed and rolled back");
        assertThat(j.path("rollback").path("complete").asBoolean()).isTrue();
        assertThat(j.path("rollback").path("actions")).hasSize(3);
        assertThat(j.path("steps").get(1).path("exit_code").asInt()).isEqualTo(3);
    }

    @Test
    void aTriggerThatFiredIsShownWithTheValuesThatMadeItFire() throws Exception {
        RunFixture.Result r = run("exec", RunFixture.example("trigger-fires.yml").toString(),
                "--set", "workdir=" + dir.resolve("work"));
        assertThat(r.code()).as(r.console()).isEqualTo(1);

        assertThat(markdown()).contains("## Rollback triggers that fired\n\n- **latency over budget** after `measure`:"
                + " `steps.measure.outputs.latency_ms > params.budget_ms` — the new release is slower than the budget"
                + " allows (`steps.measure.outputs.latency_ms` = `900`, `params.budget_ms` = `500`)");
        assertThat(counts(junit(dir.resolve("r.xml")))).isEqualTo("5/0/0/0");
        assertThat(json().path("triggers").get(0).path("values").path("params.budget_ms").asInt()).isEqualTo(500);
    }

    @Test
    void aRunStoppedAtAGateSaysHowToResumeAndTheResumedRunReportsTheAnswer() throws Exception {
        Path file = runbook(dir, "gate.yml", """
                runbook: release-gate
                version: 1
                steps:
                  - id: stage
                    run: "echo staged"
                  - id: ship
                    approve: "Ship it?"
                  - id: publish
                    run: "echo published"
                """);
        RunFixture.Result r = run("exec", file.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(4);
        String id = onlyRun(dir.resolve("state"));
        String state = dir.resolve("state").toAbsolutePath().toString();

        String md = markdown();
        assertThat(md).contains("**Verdict: Stopped: waiting for an approval.**");
        assertThat(md).contains("## What to do next\n\nThe run stopped before its end. To continue it, or to undo what"
                + " it did:\n\n- `runbook resume " + id + " --approve ship --state-dir " + state + "`\n"
                + "- `runbook rollback " + id + " --state-dir " + state + "`\n");
        assertThat(md).contains("| `ship` | waiting for approval |", "- `ship`: Ship it? — **waiting for an answer**");
        Document stopped = junit(dir.resolve("r.xml"));
        assertThat(cases(stopped)).containsExactly("runbook.release-gate.steps stage passed",
                "runbook.release-gate.steps ship skipped");
        assertThat(json().path("over").asBoolean()).isFalse();

        RunFixture.Result resumed = run("resume", id, "--approve", "ship");
        assertThat(resumed.code()).as(resumed.console()).isZero();
        md = markdown();
        assertThat(md).contains("**Verdict: Succeeded.**", "(continued 1 time(s))",
                "- `ship`: Ship it? — approved by --approve ship").doesNotContain("What to do next");
        assertThat(cases(junit(dir.resolve("r.xml")))).containsExactly("runbook.release-gate.steps stage passed",
                "runbook.release-gate.steps ship passed", "runbook.release-gate.steps publish passed");
        assertThat(json().path("next")).isEmpty();
    }

    @Test
    void rollbackOfAStoppedRunWritesItsReport() throws Exception {
        Path file = runbook(dir, "undo.yml", """
                runbook: release-undo
                version: 1
                steps:
                  - id: stage
                    run: "echo staged"
                    rollback:
                      - run: "echo unstaged"
                  - id: ship
                    approve: "Ship it?"
                """);
        assertThat(cli("exec", file.toString(), "--state-dir", dir.resolve("state").toString()).code()).isEqualTo(4);
        RunFixture.Result r = run("rollback", onlyRun(dir.resolve("state")));
        assertThat(r.code()).as(r.console()).isEqualTo(1);
        assertThat(markdown()).contains("**Verdict: Failed and rolled back.**", "Why: rollback requested.");
        assertThat(markdown()).contains("| `ship` | never answered |");
        assertThat(cases(junit(dir.resolve("r.xml")))).containsExactly("runbook.release-undo.steps stage passed",
                "runbook.release-undo.steps ship skipped", "runbook.release-undo.rollback stage#1 passed");
        assertThat(json().path("rollback").path("actions").get(0).path("step").asString()).isEqualTo("stage");
    }

    @Test
    void aReportThatCannotBeWrittenIsAnErrorButNeverHidesTheRunsOwnExitCode() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path ok = runbook(dir, "ok.yml", "runbook: fine\nversion: 1\nsteps:\n  - id: a\n    run: \"true\"\n");
        Path bad = runbook(dir, "bad.yml", "runbook: broken\nversion: 1\nsteps:\n  - id: a\n    run: \"false\"\n");
        String state = dir.resolve("state").toString();

        RunFixture.Result r = cli("exec", ok.toString(), "--state-dir", state,
                "--report", notADir.resolve("r.md").toString(), "--junit", dir.resolve("ok.xml").toString());
        assertThat(r.code()).as(r.console()).isEqualTo(2);
        assertThat(r.err()).contains("runbook: cannot write the report " + notADir.resolve("r.md") + ": ");
        assertThat(r.verdict()).startsWith("verdict: SUCCEEDED");
        assertThat(dir.resolve("ok.xml")).as("the other report is written").exists();

        r = cli("exec", bad.toString(), "--state-dir", state, "--json-report", dir.toString());
        assertThat(r.code()).as("the failed run's own code").isEqualTo(1);
        assertThat(r.err()).contains("runbook: cannot write the report " + dir + ": it is a directory");
    }

    @Test
    void junitXmlIsValidWhateverTheOutputHolds() throws Exception {
        Path file = runbook(dir, "odd.yml", """
                runbook: odd
                version: 1
                steps:
                  - id: noisy
                    run: "printf 'colour \\e[31mred\\e[0m <b>&amp; \\"quotes\\" ]]>\\n' >&2; exit 1"
                """);
        RunFixture.Result r = run("exec", file.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(1);
        Document xml = junit(dir.resolve("r.xml"));
        assertThat(xml.getElementsByTagName("failure").item(0).getTextContent())
                .contains("colour [31mred[0m <b>&amp; \"quotes\" ]]>");
        json();
    }

    @Test
    void theValidationsRejectWhatTheFormatsDoNotAllow() throws Exception {
        assertThat(ReportChecks.junitProblems("<testsuite name=\"x\"><testcase classname=\"c\"/></testsuite>"))
                .as("no tests/failures/errors attributes, a test case without a name").hasSizeGreaterThanOrEqualTo(2);
        assertThat(ReportChecks.junitProblems("<testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\""
                + " time=\"1,5s\"><testcase name=\"a\"><failed/></testcase></testsuite>"))
                .anyMatch(p -> p.contains("'1,5s'")).anyMatch(p -> p.contains("element 'failed'"));
        assertThat(jsonProblems("{}")).isNotEmpty();
        Path file = runbook(dir, "ok.yml", "runbook: fine\nversion: 1\nsteps:\n  - id: a\n    run: \"true\"\n");
        assertThat(run("exec", file.toString()).code()).isZero();
        String good = read(dir.resolve("r.json"));
        assertThat(jsonProblems(good)).isEmpty();
        assertThat(jsonProblems(good.replace("\"attempts\"", "\"tries\""))).isNotEmpty();
        assertThat(jsonProblems(good.replace("\"status\" : \"succeeded\"", "\"status\" : \"fine\""))).isNotEmpty();
    }
}
