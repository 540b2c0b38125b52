package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.journalFile;
import static dev.runbook.exec.RunFixture.only;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A secret param used everywhere a runbook can use it (a command that echoes it to stdout and stderr, an output,
 * guards, a trigger whose values are journaled, a rollback that echoes it): the commands get the real value, and
 * no output of the engine shows it.
 */
class SecretsTest {

    static final String SECRET = "S3cr3t-xyz-123";

    static final String RUNBOOK = """
            runbook: secrets
            version: 1
            params:
              workdir: { type: string, required: true }
              token:   { type: string, secret: true, required: true }
            rollback_on:
              - name: token used
                when: "steps.reuse.ok && steps.show_token.outputs.auth != params.token"
                armed_after: reuse
            steps:
              - id: prepare
                run: "mkdir -p ${params.workdir} && printf %s ${params.token} > ${params.workdir}/token"
              - id: show_token
                run: "echo token=${params.token}; echo stderr has ${params.token} >&2"
                outputs:
                  auth: "Bearer ${params.token}"
              - id: guarded
                when: "len(params.token) > 3 && params.token != 'nope'"
                run: "echo header ${steps.show_token.outputs.auth}"
              - id: not_taken
                when: "params.token == params.workdir"
                run: "echo never"
              - id: wrong
                continue_on_error: true
                assert: "params.token == 'wrong'"
              - id: reuse
                run: "echo reuse ${params.token}"
                rollback:
                  - run: "echo undo with ${params.token}; echo undo err ${params.token} >&2"
            """;

    @TempDir
    Path tmp;

    @Test
    void theSecretShowsNowhere() throws Exception {
        Path file = runbook(tmp, "secrets.yml", RUNBOOK);
        Path state = tmp.resolve("state");

        Result r = cli("exec", file.toString(), "--state-dir", state.toString(), "--set", "workdir=" + tmp.resolve("w"),
                "--set", "token=" + SECRET);

        // it ran as designed, with the real value
        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(read(tmp.resolve("w/token"))).isEqualTo(SECRET);
        String run = onlyRun(state);
        List<JsonNode> events = journal(state, run);
        assertThat(story(events)).contains("step.finished guarded ok", "step.finished not_taken skipped",
                "step.finished wrong failed", "trigger.fired reuse", "rollback.action reuse#1 ok",
                "run.finished rolled_back");

        // the console
        assertThat(r.console()).doesNotContain(SECRET).contains("token=***", "stderr has ***", "header Bearer ***");
        // the journal, byte for byte
        String bytes = new String(Files.readAllBytes(journalFile(state, run)), StandardCharsets.UTF_8);
        assertThat(bytes).doesNotContain(SECRET).contains("***");
        assertThat(events.get(0).path("params").path("token").asString()).isEqualTo("***");
        JsonNode showToken = events.stream().filter(e -> e.path("type").asString().equals("step.finished")
                && e.path("step").asString().equals("show_token")).findFirst().orElseThrow();
        assertThat(showToken.path("stdout").asString()).isEqualTo("token=***");
        assertThat(showToken.path("stderr").asString()).isEqualTo("stderr has ***");
        assertThat(showToken.path("outputs").path("auth").asString()).isEqualTo("Bearer ***");
        assertThat(only(events, "trigger.fired").path("values").path("params.token").asString()).isEqualTo("***");
        JsonNode undo = only(events, "rollback.action");
        assertThat(undo.path("stdout").asString()).isEqualTo("undo with ***");
        assertThat(undo.path("stderr").asString()).isEqualTo("undo err ***");

        // what 'runbook show' prints from the journal
        Result show = cli("show", run, "--state-dir", state.toString());
        assertThat(show.console()).doesNotContain(SECRET).contains("***");
    }

    @Test
    void jsonOutputHidesTheSecretToo() {
        Path file = runbook(tmp, "secrets.yml", RUNBOOK);
        Path state = tmp.resolve("state");

        Result r = cli("exec", file.toString(), "--state-dir", state.toString(), "--set", "workdir=" + tmp.resolve("w"),
                "--set", "token=" + SECRET, "--output", "json");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(read(tmp.resolve("w/token"))).isEqualTo(SECRET);
        assertThat(r.console()).doesNotContain(SECRET).contains("***");
        List<JsonNode> lines = r.out().lines().map(l -> RunFixture.JSON.readTree(l)).toList();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(0).path("type").asString()).isEqualTo("run.started");
        assertThat(RunFixture.last(lines).path("status").asString()).isEqualTo("rolled_back");
        // every output line is shown, as events of their own
        assertThat(lines).anySatisfy(e -> {
            assertThat(e.path("type").asString()).isEqualTo("step.output");
            assertThat(e.path("line").asString()).isEqualTo("token=***");
        });
    }

    /** "A secret param, and any text made from it, is shown as ***": a list param's elements too. */
    @Test
    void theElementsOfASecretListAreHiddenToo() {
        Path file = runbook(tmp, "secret-list.yml", """
                runbook: secret-list
                version: 1
                params:
                  keys: { type: list, secret: true, required: true }
                steps:
                  - id: use
                    run: "for k in ${params.keys}; do echo key $k; done"
                """);
        Path state = tmp.resolve("state");

        Result r = cli("exec", file.toString(), "--state-dir", state.toString(), "--set", "keys=Key-one-111,Key-two-222");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.console()).doesNotContain("Key-one-111", "Key-two-222").contains("key ***");
        assertThat(read(journalFile(state, onlyRun(state)))).doesNotContain("Key-one-111", "Key-two-222");
    }

    @Test
    void aResumedRunNeedsTheSecretAgainAndStillHidesIt() {
        Path file = runbook(tmp, "gated-secret.yml", """
                runbook: gated-secret
                version: 1
                params:
                  workdir: { type: string, required: true }
                  token:   { type: string, secret: true, required: true }
                steps:
                  - id: before
                    run: "mkdir -p ${params.workdir} && echo before ${params.token}"
                  - id: gate
                    approve: "go on?"
                  - id: after
                    run: "printf %s ${params.token} > ${params.workdir}/token && echo after ${params.token}"
                """);
        Path state = tmp.resolve("state");
        Result first = cli("exec", file.toString(), "--state-dir", state.toString(), "--set",
                "workdir=" + tmp.resolve("w"), "--set", "token=" + SECRET);
        assertThat(first.code()).as(first.console()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        String run = onlyRun(state);

        Result without = cli("resume", run, "--approve", "gate", "--state-dir", state.toString());
        assertThat(without.code()).as(without.console()).isEqualTo(ExitCodes.INVALID);
        assertThat(without.err()).contains("missing required param token");

        Result with = cli("resume", run, "--approve", "gate", "--state-dir", state.toString(), "--set",
                "token=" + SECRET);
        assertThat(with.code()).as(with.console()).isEqualTo(ExitCodes.OK);
        assertThat(read(tmp.resolve("w/token"))).isEqualTo(SECRET);
        assertThat(first.console() + with.console()).doesNotContain(SECRET).contains("after ***");
        assertThat(read(journalFile(state, run))).doesNotContain(SECRET);
    }
}
