package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.awaitJournal;
import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.last;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runIds;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.spawn;
import static dev.runbook.exec.RunFixture.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Two runs of one runbook on the same targets: one runs, the other is told who holds the lock. */
class LockTest {

    static final String RUNBOOK = """
            runbook: locked
            version: 1
            params:
              workdir: { type: string, required: true }
            steps:
              - id: begin
                run: "mkdir -p ${params.workdir} && echo begin >> ${params.workdir}/ran"
              - id: hold
                run: "sleep 2"
              - id: end
                run: "echo end >> ${params.workdir}/ran"
            """;

    @TempDir
    Path tmp;

    @Test
    void aSecondRunWhileTheFirstHoldsTheLockExits5AndNamesTheHolder() throws Exception {
        Path file = runbook(tmp, "locked.yml", RUNBOOK);
        Path state = tmp.resolve("state");
        String[] args = {"exec", file.toString(), "--state-dir", state.toString(), "--set", "workdir=" + tmp.resolve("work")};

        Process first = spawn(tmp.resolve("first"), args);
        try {
            List<JsonNode> events = awaitJournal(state, first, Duration.ofSeconds(20), e -> started(e, "hold"));
            String firstRun = events.get(0).path("run").asString();

            Result second = cli(args);

            assertThat(second.code()).as(second.console()).isEqualTo(ExitCodes.LOCK_HELD);
            assertThat(second.err()).contains("is locked by another run",
                    System.getProperty("user.name") + "@" + InetAddress.getLocalHost().getHostName(),
                    "pid " + first.pid(), "run " + firstRun);
            assertThat(second.out()).isEmpty();

            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as(read(tmp.resolve("first/child.err"))).isEqualTo(ExitCodes.OK);
            // exactly one run: one journal, and the steps ran once
            assertThat(runIds(state)).containsExactly(firstRun);
            assertThat(lines(tmp.resolve("work/ran"))).hasSize(2).last().isEqualTo("end");
            assertThat(last(journal(state, firstRun)).path("status").asString()).isEqualTo("succeeded");
            assertThat(lockFiles(state)).as("the lock is released").isEmpty();
        } finally {
            first.destroyForcibly();
        }

        Result after = cli(args);
        assertThat(after.code()).as("the lock is free again: " + after.console()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aStaleLockOfACrashedRunIsTakenOver() throws Exception {
        Path file = runbook(tmp, "locked.yml", RUNBOOK);
        Path state = tmp.resolve("state");
        String[] args = {"exec", file.toString(), "--state-dir", state.toString(), "--set", "workdir=" + tmp.resolve("work")};

        Process crashed = spawn(tmp.resolve("crashed"), args);
        try {
            awaitJournal(state, crashed, Duration.ofSeconds(20), e -> started(e, "hold"));
            crashed.destroyForcibly(); // kill -9: no chance to release the lock
            assertThat(crashed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            crashed.destroyForcibly();
        }
        List<Path> locks = lockFiles(state);
        assertThat(locks).as("the crashed run left its lock behind").hasSize(1);
        assertThat(read(locks.get(0))).contains("\"pid\":" + crashed.pid());

        Result r = cli(args);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.verdict()).startsWith("verdict: SUCCEEDED");
        assertThat(runIds(state)).hasSize(2);
        assertThat(lockFiles(state)).as("released after the run").isEmpty();
    }

    static List<Path> lockFiles(Path state) throws Exception {
        Path dir = state.resolve("locks");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
