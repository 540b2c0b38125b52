package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the local executor starts commands, and that they do not outlive a killed runner. */
class LocalExecutorTest {

    @TempDir
    Path tmp;

    @Test
    void aCommandWithNoShellSyntaxRunsWithoutAShell() {
        assertThat(LocalExecutor.argv("/bin/true")).doesNotContain("/bin/sh").endsWith("/bin/true");
        assertThat(LocalExecutor.argv("systemctl restart app")).doesNotContain("/bin/sh")
                .endsWith("systemctl", "restart", "app");
    }

    @Test
    void shellSyntaxAndShellBuiltinsGetAShell() {
        for (String cmd : List.of("echo $HOME", "a && b", "ls *.log", "cd /tmp", "echo 'quoted'", "x=1 env",
                "cat < f", "exit 3")) {
            assertThat(LocalExecutor.argv(cmd)).as(cmd).contains("/bin/sh", "-c", cmd);
        }
    }

    @Test
    void bothWaysTheShellsAnswersAreKept() throws Exception {
        LocalExecutor ex = new LocalExecutor();
        assertThat(ex.run("echo plain words", null, Executor.OutputListener.NONE).stdout()).isEqualTo("plain words");
        assertThat(ex.run("exit 3", null, Executor.OutputListener.NONE).exitCode()).isEqualTo(3);
        assertThat(ex.run("no-such-command-xyz", null, Executor.OutputListener.NONE).exitCode()).isEqualTo(127);
        assertThat(ex.run("sleep 5", Duration.ofMillis(200), Executor.OutputListener.NONE).timedOut()).isTrue();
    }

    @Test
    void aPlainCommandDiesWithAKilledRunner() throws Exception {
        ProcessHandle sleep = startAndKillRunner("sleep 31.4159", "sleep 31.4159");
        assertThat(sleep.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("the command died with the runner").isFalse();
    }

    @Test
    void aShellCommandAndWhatItStartedDieWithAKilledRunner() throws Exception {
        Path marker = tmp.resolve("after-the-sleep");
        ProcessHandle sleep = startAndKillRunner("sleep 27.1828 && touch " + marker, "sleep 27.1828");
        assertThat(sleep.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("the shell's child died too").isFalse();
        Thread.sleep(300);
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker.toString())))
                .as("the shell died").isEmpty();
        assertThat(marker).doesNotExist();
    }

    /** Starts a runner on a one-step runbook, waits for the step's process (not a shell), kills the runner; that process. */
    private ProcessHandle startAndKillRunner(String command, String processLine) throws Exception {
        Path rb = tmp.resolve("long.yml");
        Files.writeString(rb, "runbook: long\nversion: 1\nsteps:\n  - id: wait\n    run: \"" + command + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process runner = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.runbook.cli.Main",
                "exec", rb.toString(), "--state-dir", tmp.resolve("state").toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        ProcessHandle sleep = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sleep == null && System.nanoTime() < deadline) {
            sleep = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(processLine)
                            && !p.info().commandLine().orElse("").contains("/bin/sh")).findFirst().orElse(null);
            Thread.sleep(20);
        }
        assertThat(sleep).as("the step's command started").isNotNull();
        runner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return sleep;
    }
}
