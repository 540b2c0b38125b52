package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.awaitGone;
import static dev.runbook.exec.RunFixture.awaitJournal;
import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.kill;
import static dev.runbook.exec.RunFixture.last;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.pid;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.spawn;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Ctrl-C during a run, in a real process: the run stops its step (and the processes the step started), records
 * that it was interrupted, exits 130 and says how to go on; {@code rollback} and {@code resume} then work.
 */
class InterruptTest {

    /** Step two sleeps 30 s unless the file {@code fast} exists (so that a resumed run need not wait). */
    static final String RUNBOOK = """
            runbook: interruptible
            version: 1
            params:
              workdir: { type: string, required: true }
            steps:
              - id: one
                run: "mkdir -p ${params.workdir} && echo one >> ${params.workdir}/ran"
                rollback:
                  - run: "echo undo_one >> ${params.workdir}/undo.log"
              - id: two
                run: "cd ${params.workdir} && echo two >> ran && if test ! -f fast; then sleep 30 & echo $! > sleep.pid; wait; fi"
                rollback:
                  - run: "echo undo_two >> ${params.workdir}/undo.log"
              - id: three
                run: "echo three >> ${params.workdir}/ran"
            """;

    @TempDir
    Path tmp;

    /** A run interrupted while step two sleeps: its state dir and work dir. */
    record Interrupted(Path state, Path work, String runId, Process process, Duration exitedWithin) {
    }

    Interrupted interrupt(String name) throws Exception {
        Path file = runbook(tmp, "interruptible.yml", RUNBOOK);
        Path state = tmp.resolve(name + "/state");
        Path work = tmp.resolve(name + "/work");
        Process p = spawn(tmp.resolve(name), "exec", file.toString(), "--state-dir", state.toString(), "--set",
                "workdir=" + work);
        try {
            awaitJournal(state, p, Duration.ofSeconds(20), e -> RunFixture.started(e, "two"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.isRegularFile(work.resolve("sleep.pid")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long sent = System.nanoTime();
            kill("INT", p.pid());
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the run exits after SIGINT").isTrue();
            return new Interrupted(state, work, onlyRun(state), p, Duration.ofNanos(System.nanoTime() - sent));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigintStopsTheRunAndRollbackUndoesIt() throws Exception {
        Interrupted i = interrupt("a");
        String out = read(tmp.resolve("a/child.out"));

        assertThat(i.process().exitValue()).as(out + read(tmp.resolve("a/child.err")))
                .isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(i.exitedWithin()).isLessThan(Duration.ofSeconds(5));
        long sleeper = pid(i.work().resolve("sleep.pid"));
        assertThat(awaitGone(sleeper, Duration.ofSeconds(3))).as("step two's sleep (pid " + sleeper + ") is gone")
                .isTrue();

        List<JsonNode> events = journal(i.state(), i.runId());
        assertThat(story(events)).containsExactly(
                "run.started",
                "step.started one", "step.finished one ok",
                "step.started two",
                "run.interrupted",
                "run.finished interrupted");
        assertThat(out).contains("verdict: INTERRUPTED", "runbook resume " + i.runId(),
                "runbook rollback " + i.runId());
        assertThat(lines(i.work().resolve("ran"))).containsExactly("one", "two");

        Result rollback = cli("rollback", i.runId(), "--state-dir", i.state().toString());

        assertThat(rollback.code()).as(rollback.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(rollback.verdict()).startsWith("verdict: ROLLED BACK");
        assertThat(lines(i.work().resolve("undo.log"))).contains("undo_one");
        assertThat(lines(i.work().resolve("ran"))).as("rollback ran no step").containsExactly("one", "two");
        List<JsonNode> all = journal(i.state(), i.runId());
        assertThat(story(all.subList(events.size(), all.size()))).contains("run.resumed", "rollback.started",
                "rollback.action one#1 ok", "rollback.finished", "run.finished rolled_back");
        assertThat(last(all).path("status").asString()).isEqualTo("rolled_back");
    }

    /**
     * Step two was interrupted mid-way: like a failed step, it may have changed things part-way, so rolling the
     * run back runs its compensation first, then step one's (docs/language.md, Rollback).
     */
    @Test
    void rollbackOfAnInterruptedRunCompensatesTheInterruptedStepToo() throws Exception {
        Interrupted i = interrupt("b");
        assertThat(i.process().exitValue()).isEqualTo(ExitCodes.INTERRUPTED);

        Result rollback = cli("rollback", i.runId(), "--state-dir", i.state().toString());

        assertThat(rollback.code()).as(rollback.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(lines(i.work().resolve("undo.log"))).containsExactly("undo_two", "undo_one");
    }

    @Test
    void resumeCompletesAnInterruptedRun() throws Exception {
        Interrupted i = interrupt("c");
        assertThat(i.process().exitValue()).isEqualTo(ExitCodes.INTERRUPTED);
        Files.createFile(i.work().resolve("fast")); // step two will not sleep this time

        Result resumed = cli("resume", i.runId(), "--state-dir", i.state().toString());

        assertThat(resumed.code()).as(resumed.console()).isEqualTo(ExitCodes.OK);
        assertThat(resumed.verdict()).startsWith("verdict: SUCCEEDED");
        // one did not run again; two ran again (it had not completed), then three
        assertThat(lines(i.work().resolve("ran"))).containsExactly("one", "two", "two", "three");
        assertThat(i.work().resolve("undo.log")).doesNotExist();
        assertThat(last(journal(i.state(), i.runId())).path("status").asString()).isEqualTo("succeeded");
    }
}
