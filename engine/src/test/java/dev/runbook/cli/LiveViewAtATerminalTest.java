package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runbook exec} at a real terminal (a pseudo-terminal from script(1)) shows the live view, in colour; with
 * {@code --no-color}, or with {@code CI} set, the plain lines of a pipe.
 */
class LiveViewAtATerminalTest {

    static final Path HELLO = Path.of("").toAbsolutePath().getParent().resolve("examples/hello.yml");
    static final String ESC = "\033[";

    @TempDir
    Path tmp;

    @Test
    void aTerminalGetsColoursAndAStatusLine() throws Exception {
        String console = run(null);
        assertThat(console).contains(ESC + "32m[ok]     " + ESC + "0m " + ESC + "1mgreet" + ESC + "0m ok in",
                "     | hello, world", "\r" + ESC + "2K",
                ESC + "32mverdict: SUCCEEDED — ");
    }

    @Test
    void noColorGivesThePlainLines() throws Exception {
        String console = run(null, "--no-color");
        assertThat(console).contains("  [ok]      greet ok in", "verdict: SUCCEEDED — ").doesNotContain(ESC);
    }

    @Test
    void ciGivesThePlainLines() throws Exception {
        String console = run("true");
        assertThat(console).contains("  [ok]      greet ok in", "verdict: SUCCEEDED — ").doesNotContain(ESC);
    }

    private String run(String ci, String... more) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/script").canExecute() || System.getenv("RUNBOOK_REQUIRE_ALL") != null,
                "script(1) gives the runner a terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
                "'" + System.getProperty("java.class.path") + "'", "dev.runbook.cli.Main", "exec", HELLO.toString(),
                "--state-dir", tmp.resolve("state").toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qefc", String.join(" ", cmd), "/dev/null")
                .redirectErrorStream(true);
        pb.environment().remove("CI");
        pb.environment().remove("NO_COLOR");
        pb.environment().put("TERM", "xterm");
        if (ci != null) {
            pb.environment().put("CI", ci);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the run ends").isTrue();
        String console = new String(out, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(p.exitValue()).as(console).isEqualTo(ExitCodes.OK);
        return console;
    }
}
