package dev.runbook.exec;

import static dev.runbook.exec.OpenSshRunTest.deleteTree;
import static dev.runbook.exec.OpenSshRunTest.exec;
import static dev.runbook.exec.OpenSshRunTest.target;
import static dev.runbook.exec.OpenSshRunTest.why;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.OpenSshHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operators on different machines deploying the same customer: each has a state directory of its own (so the
 * local lock does not see the other), and the lock the run takes on each SSH host keeps them apart.
 */
class RemoteLockEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aSecondOperatorIsRefusedByTheLockOnTheHostThenRunsOnceItIsFree() throws Exception {
        OpenSshHosts ssh = OpenSshHosts.require();
        Path remote = OpenSshRunTest.remoteDir();
        try {
            Path file = RunFixture.runbook(dir, "deploy.yml", "runbook: e2e-remote-lock\nversion: 1\ntargets:\n"
                    + target("app", List.of(ssh.target(5)), ssh.knownHosts(), ssh.key())
                    + "steps:\n"
                    + "  - { id: deploy, on: app, run: \"sleep 3 && echo deployed >> " + remote + "/log\" }\n");
            Path first = dir.resolve("operator-1");
            Process one = RunFixture.spawn(first, "exec", file.toString(), "--state-dir", first.resolve("state").toString());
            RunFixture.awaitJournal(first.resolve("state"), one, Duration.ofSeconds(30),
                    events -> RunFixture.started(events, "deploy"));
            String holder = RunFixture.onlyRun(first.resolve("state"));

            RunFixture.Result refused = exec(file, dir.resolve("operator-2"));
            assertThat(refused.code()).as(why(refused)).isEqualTo(5);
            assertThat(refused.err()).contains("is locked by").contains("run " + holder)
                    .contains(".runbook/locks/e2e-remote-lock--").contains(ssh.target(5));
            assertThat(RunFixture.runIds(dir.resolve("operator-2"))).as("the refused run left no journal").isEmpty();

            assertThat(one.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(one.exitValue()).isZero();
            RunFixture.Result second = exec(file, dir.resolve("operator-2"));
            assertThat(second.code()).as(why(second)).isZero();
            assertThat(OpenSshRunTest.log(remote.resolve("log"))).containsExactly("deployed", "deployed");
            Process ls = new ProcessBuilder(ssh.sshCommand(ssh.hosts().get(5), "ls -A .runbook/locks")).start();
            assertThat(new String(ls.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith("e2e-remote-lock")))
                    .as("each run released its lock").isEmpty();
        } finally {
            deleteTree(remote);
        }
    }
}
