package dev.runbook.report;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.report.ReportChecks.jsonProblems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The reports of a journal that just stops (a killed run), and {@code schemas/report.schema.json} itself. */
class ReportFormatsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void aRunKilledInAStepIsReportedStoppedWithTheStepAsAnError() throws Exception {
        Path file = runbook(dir, "killed.yml", """
                runbook: release-killed
                version: 1
                steps:
                  - id: stage
                    run: "echo staged"
                  - id: migrate
                    run: "echo migrating"
                """);
        String state = dir.resolve("state").toString();
        assertThat(cli("exec", file.toString(), "--state-dir", state).code()).isZero();
        Path journal = RunFixture.journalFile(dir.resolve("state"), onlyRun(dir.resolve("state")));
        List<String> lines = Files.readAllLines(journal);
        int cut = 0;
        while (!lines.get(cut).contains("\"type\":\"step.started\",\"step\":\"migrate\"")) {
            cut++;
        }
        Files.write(journal, lines.subList(0, cut + 1));

        RunReport report = RunReport.of(journal);
        String md = MarkdownReport.render(report);
        assertThat(md).contains("**Verdict: Stopped: the run did not finish (it was killed, or is still running).**",
                "| `migrate` | **UNFINISHED** |", "- `runbook resume " + report.runId() + " --state-dir ");
        String xml = JunitReport.render(report);
        assertThat(ReportChecks.junitProblems(xml)).isEmpty();
        assertThat(xml).contains("<error type=\"unfinished\" message=\"the run stopped in this step (killed or"
                + " interrupted)\">");
        assertThat(jsonProblems(JsonReport.render(report))).isEmpty();
    }

    @Test
    void theReportSchemaDescribesEveryProperty() {
        JsonNode schema = JSON.readTree(read(RunFixture.ROOT.resolve("schemas/report.schema.json")));
        List<String> undescribed = new ArrayList<>();
        undescribed(schema, "", undescribed);
        assertThat(undescribed).isEmpty();
    }

    private static void undescribed(JsonNode node, String path, List<String> out) {
        node.path("properties").properties().forEach(e -> {
            if (!e.getValue().has("description")) {
                out.add(path + "/" + e.getKey());
            }
            undescribed(e.getValue(), path + "/" + e.getKey(), out);
        });
        node.path("$defs").properties().forEach(e -> undescribed(e.getValue(), "#" + e.getKey(), out));
        if (node.has("items")) {
            undescribed(node.path("items"), path + "[]", out);
        }
    }
}
