package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.awaitGone;
import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.pid;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** What the common step keys do in a real run: when, retries and delay, continue_on_error, timeout. */
class StepControlTest {

    @TempDir
    Path tmp;

    Path state() {
        return tmp.resolve("state");
    }

    Path work() {
        return tmp.resolve("work");
    }

    Result exec(Path file, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("exec", file.toString(), "--state-dir",
                state().toString(), "--set", "workdir=" + work()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    /** The step.finished events by step id. */
    static Map<String, JsonNode> finished(List<JsonNode> events) {
        return ofType(events, "step.finished").stream()
                .collect(Collectors.toMap(e -> e.path("step").asString(), Function.identity()));
    }

    @Test
    void guardsSkipStepsAndTheJournalSaysWhy() {
        Path f = runbook(tmp, "guards.yml", """
                runbook: guards
                version: 1
                params:
                  workdir: { type: string, required: true }
                  verbose: { type: boolean, default: false }
                facts:
                  health: { http: { url: "http://127.0.0.1:9/health" } }
                steps:
                  - id: prepare
                    run: "mkdir -p ${params.workdir}"
                  - id: only_verbose
                    when: "params.verbose"
                    run: "echo only_verbose >> ${params.workdir}/ran"
                  - id: after_prepare
                    when: "steps.prepare.ok && steps.only_verbose.skipped"
                    run: "echo after_prepare >> ${params.workdir}/ran"
                  - id: needs_a_fact
                    when: "facts.health.status == 200"
                    run: "echo needs_a_fact >> ${params.workdir}/ran"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(lines(work().resolve("ran"))).containsExactly("after_prepare");
        Map<String, JsonNode> done = finished(journal(state(), onlyRun(state())));
        assertThat(done.get("only_verbose").path("status").asString()).isEqualTo("skipped");
        assertThat(done.get("only_verbose").path("error").asString())
                .isEqualTo("its guard does not hold: params.verbose");
        assertThat(done.get("after_prepare").path("status").asString()).isEqualTo("ok");
        // a guard that cannot be evaluated (facts are not collected in this version) fails closed, and says so
        assertThat(done.get("needs_a_fact").path("status").asString()).isEqualTo("skipped");
        assertThat(done.get("needs_a_fact").path("error").asString())
                .startsWith("its guard could not be evaluated, so it does not hold:")
                .contains("cannot be collected");
        assertThat(r.out()).contains("[skipped] only_verbose skipped in 0ms: its guard does not hold: params.verbose");

        Result verbose = exec(f, "--set", "verbose=true");
        assertThat(verbose.code()).isZero();
        assertThat(lines(work().resolve("ran"))).containsExactly("after_prepare", "only_verbose");
    }

    @Test
    void aFlakyStepIsRetriedWithItsDelayUntilItSucceeds() {
        Path f = runbook(tmp, "retries.yml", """
                runbook: retries
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: flaky
                    retries: 4
                    delay: 300ms
                    run: >-
                      mkdir -p ${params.workdir}; n=$(cat ${params.workdir}/count 2>/dev/null || echo 0);
                      n=$((n + 1)); echo $n > ${params.workdir}/count; echo attempt $n; test $n -ge 3
                  - id: after
                    run: "echo after >> ${params.workdir}/ran"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(lines(work().resolve("count"))).containsExactly("3");
        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(story(events)).containsSubsequence("step.started flaky", "step.retrying flaky",
                "step.retrying flaky", "step.finished flaky ok", "step.started after");
        List<JsonNode> retrying = ofType(events, "step.retrying");
        assertThat(retrying).extracting(e -> e.path("attempt").asInt()).containsExactly(2, 3);
        assertThat(retrying).allSatisfy(e -> {
            assertThat(e.path("of").asInt()).isEqualTo(5);
            assertThat(e.path("delay_ms").asLong()).isEqualTo(300);
            assertThat(e.path("error").asString()).isEqualTo("exit code 1");
        });
        JsonNode flaky = finished(events).get("flaky");
        assertThat(flaky.path("attempts").asInt()).isEqualTo(3);
        assertThat(flaky.path("duration_ms").asLong()).as("two delays of 300ms").isGreaterThanOrEqualTo(600);
        assertThat(flaky.path("stdout").asString()).contains("attempt 3");
        assertThat(r.out()).contains("retrying (2 of 5) in 300ms: exit code 1", "retrying (3 of 5) in 300ms");
        assertThat(lines(work().resolve("ran"))).containsExactly("after");
    }

    @Test
    void aStepThatFailsEveryAttemptFailsTheRunAfterItsRetries() {
        Path f = runbook(tmp, "exhausted.yml", """
                runbook: exhausted
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: never
                    retries: 2
                    delay: 10ms
                    run: "mkdir -p ${params.workdir}; echo try >> ${params.workdir}/tries; exit 7"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(lines(work().resolve("tries"))).hasSize(3);
        JsonNode never = finished(journal(state(), onlyRun(state()))).get("never");
        assertThat(never.path("status").asString()).isEqualTo("failed");
        assertThat(never.path("attempts").asInt()).isEqualTo(3);
        assertThat(never.path("exit_code").asInt()).isEqualTo(7);
    }

    @Test
    void continueOnErrorRecordsTheFailureAndGoesOn() {
        Path f = runbook(tmp, "tolerate.yml", """
                runbook: tolerate
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: prepare
                    run: "mkdir -p ${params.workdir}"
                    rollback:
                      - run: "echo undo_prepare >> ${params.workdir}/ran"
                  - id: optional
                    continue_on_error: true
                    run: "echo oops >&2; exit 3"
                  - id: next
                    run: "echo next saw exit ${steps.optional.exit_code} >> ${params.workdir}/ran"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(lines(work().resolve("ran"))).containsExactly("next saw exit 3");
        List<JsonNode> events = journal(state(), onlyRun(state()));
        JsonNode optional = finished(events).get("optional");
        assertThat(optional.path("status").asString()).isEqualTo("failed");
        assertThat(optional.path("exit_code").asInt()).isEqualTo(3);
        assertThat(optional.path("stderr").asString()).isEqualTo("oops");
        assertThat(ofType(events, "rollback.started")).isEmpty();
        assertThat(r.out()).contains("[FAILED]  optional failed", "  optional  failed");
    }

    @Test
    void aStepOverItsTimeoutIsKilledWithTheProcessesItStarted() throws Exception {
        Path f = runbook(tmp, "timeout.yml", """
                runbook: timeout
                version: 1
                params:
                  workdir: { type: string, required: true }
                steps:
                  - id: prepare
                    run: "mkdir -p ${params.workdir}"
                  - id: slow
                    timeout: 1s
                    run: "cd ${params.workdir} && sh -c 'sleep 30 & echo $! > pidfile; wait'"
                  - id: never
                    run: "touch ${params.workdir}/never"
                """);

        long start = System.nanoTime();
        Result r = exec(f);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(took).isLessThan(Duration.ofSeconds(6));
        JsonNode slow = finished(journal(state(), onlyRun(state()))).get("slow");
        assertThat(slow.path("status").asString()).isEqualTo("timed_out");
        assertThat(slow.path("error").asString()).isEqualTo("timed out after 1s");
        assertThat(slow.path("duration_ms").asLong()).isBetween(1000L, 5000L);
        assertThat(r.out()).contains("[FAILED]  slow timed_out");
        assertThat(work().resolve("never")).doesNotExist();
        long sleeper = pid(work().resolve("pidfile"));
        assertThat(awaitGone(sleeper, Duration.ofSeconds(3))).as("the step's 'sleep 30' (pid " + sleeper
                + ") is gone").isTrue();
    }
}
