package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator at a terminal answers the gate. The runner gets a real pseudo-terminal from script(1), so that it
 * asks, as it would in a person's shell.
 */
class ApprovalAtATerminalTest {

    static final Path GATE = Path.of("").toAbsolutePath().getParent().resolve("examples/gate.yml");

    @TempDir
    Path tmp;

    @Test
    void refusingAtTheTerminalRollsBack() throws Exception {
        Outcome o = runAnswering("n");
        assertThat(o.code).as(o.console).isEqualTo(ExitCodes.FAILED);
        assertThat(o.console).contains("approve 'go_live': Publish release 2.0.0 to production? [y/N]",
                "approval REFUSED", "verdict: ROLLED BACK");
        assertThat(Files.readAllLines(tmp.resolve("work/steps.log"))).containsExactly("build", "stage", "undo_stage");
        assertThat(tmp.resolve("work/staged.txt")).doesNotExist();
    }

    @Test
    void approvingAtTheTerminalGoesOn() throws Exception {
        Outcome o = runAnswering("y");
        assertThat(o.code).as(o.console).isEqualTo(ExitCodes.OK);
        assertThat(o.console).contains("approved by the operator at the terminal", "verdict: SUCCEEDED");
        assertThat(Files.readAllLines(tmp.resolve("work/steps.log"))).containsExactly("build", "stage", "publish");
    }

    private record Outcome(int code, String console) {
    }

    private Outcome runAnswering(String answer) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/script").canExecute() || System.getenv("RUNBOOK_REQUIRE_ALL") != null,
                "script(1) gives the runner a terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = String.join(" ", List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
                "'" + System.getProperty("java.class.path") + "'", "dev.runbook.cli.Main", "exec", GATE.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "workdir=" + tmp.resolve("work"), "--quiet"));
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", cmd, "/dev/null").redirectErrorStream(true).start();
        StringBuilder console = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                console.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(tmp.resolve("work/staged.txt")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(300);
        p.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the run ends").isTrue();
        reader.join(5000);
        return new Outcome(p.exitValue(), console.toString().replace("\r", ""));
    }
}
