package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.only;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Rollbacks whose actions fail: the others still run, and the run says a human must act. */
class CompensationTest {

    @TempDir
    Path tmp;

    Result exec(Path file) {
        return cli("exec", file.toString(), "--state-dir", tmp.resolve("state").toString(), "--set",
                "workdir=" + tmp.resolve("work"));
    }

    @Test
    void aFailingCompensationDoesNotStopTheOthers() {
        Path f = runbook(tmp, "failing-undo.yml", """
                runbook: failing-undo
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: a
                    run: "mkdir -p ${params.workdir} && touch ${params.workdir}/a"
                    rollback:
                      - run: "rm ${params.workdir}/a && echo undo_a >> ${params.workdir}/undo.log"
                  - id: b
                    run: "touch ${params.workdir}/b"
                    rollback:
                      - run: "echo undo_b_tried >> ${params.workdir}/undo.log; echo cannot undo b >&2; exit 4"
                  - id: c
                    run: "touch ${params.workdir}/c"
                    rollback:
                      - run: "rm ${params.workdir}/c && echo undo_c >> ${params.workdir}/undo.log"
                  - id: d
                    run: "exit 1"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.ROLLBACK_INCOMPLETE);
        assertThat(r.verdict()).isEqualTo("verdict: ROLLBACK INCOMPLETE — step 'd' failed: exit code 1; rollback"
                + " incomplete, manual action needed: the compensation of b failed");
        assertThat(r.out()).contains("[FAILED]  rollback of b, action 1: exit code 4", "rollback INCOMPLETE");

        List<JsonNode> events = journal(tmp.resolve("state"), onlyRun(tmp.resolve("state")));
        assertThat(story(events)).containsSubsequence("step.finished d failed", "rollback.started",
                "rollback.action c#1 ok", "rollback.action b#1 failed", "rollback.action a#1 ok", "rollback.finished",
                "run.finished rollback_incomplete");
        JsonNode fin = only(events, "rollback.finished");
        assertThat(fin.path("complete").asBoolean()).isFalse();
        assertThat(fin.path("failed").values()).extracting(JsonNode::asString).containsExactly("b");
        JsonNode b = events.stream().filter(e -> e.path("type").asString().equals("rollback.action")
                && e.path("step").asString().equals("b")).findFirst().orElseThrow();
        assertThat(b.path("exit_code").asInt()).isEqualTo(4);
        assertThat(b.path("stderr").asString()).isEqualTo("cannot undo b");

        assertThat(lines(tmp.resolve("work/undo.log"))).containsExactly("undo_c", "undo_b_tried", "undo_a");
        assertThat(tmp.resolve("work/a")).doesNotExist();
        assertThat(tmp.resolve("work/c")).doesNotExist();
        assertThat(tmp.resolve("work/b")).exists();
    }

    @Test
    void aFallbackActionAfterAFailedOneCompletesTheCompensation() {
        Path f = runbook(tmp, "fallback.yml", """
                runbook: fallback
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: write
                    run: "mkdir -p ${params.workdir} && echo v2 > ${params.workdir}/conf"
                    rollback:
                      - run: "cp ${params.workdir}/no-such-backup ${params.workdir}/conf"
                      - when: "previous.failed"
                        run: "echo v1 > ${params.workdir}/conf && echo after ${previous.status} > ${params.workdir}/why"
                      - when: "previous.failed"
                        run: "echo never > ${params.workdir}/conf"
                  - id: boom
                    run: "exit 1"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).startsWith("verdict: ROLLED BACK");
        List<JsonNode> events = journal(tmp.resolve("state"), onlyRun(tmp.resolve("state")));
        assertThat(story(events)).containsSubsequence("rollback.action write#1 failed", "rollback.action write#2 ok",
                "rollback.action write#3 skipped", "run.finished rolled_back");
        assertThat(only(events, "rollback.finished").path("complete").asBoolean()).isTrue();
        assertThat(lines(tmp.resolve("work/conf"))).containsExactly("v1");
        assertThat(lines(tmp.resolve("work/why"))).as("an action's text reads previous too").containsExactly("after failed");
    }
}
