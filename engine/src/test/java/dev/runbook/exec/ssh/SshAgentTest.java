package dev.runbook.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in with a key held by a real ssh-agent (OpenSSH's): the runbook names no key, the runner finds the agent
 * at {@code SSH_AUTH_SOCK}, and the key never touches the runner's disk.
 */
class SshAgentTest {

    @TempDir
    Path dir;

    @Test
    void aRunLogsInWithTheAgentsKey() throws Exception {
        Path key = Keys.ecdsa(dir, "in-agent");
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.out").toFile()).start();
        try (TestSshd sshd = new TestSshd(dir, List.of(Keys.pub(key)), null, false)) {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(20);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process a = add.start();
            a.getInputStream().readAllBytes();
            assertThat(a.waitFor()).as("ssh-add").isZero();
            Files.delete(key); // only the agent has it now
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
            Path runbook = dir.resolve("agent.yml");
            Files.writeString(runbook, "runbook: agent\nversion: 1\ntargets:\n  app:\n    ssh: \"deploy@127.0.0.1:"
                    + sshd.port() + "\"\n    known_hosts: " + knownHosts + "\nsteps:\n  - { id: hello, on: app, run: \"echo"
                    + " through the agent\" }\n");

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder run = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "dev.runbook.cli.Main", "exec", runbook.toString(), "--state-dir", dir.resolve("state").toString())
                    .redirectErrorStream(true);
            run.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = run.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("| through the agent").contains("verdict: SUCCEEDED");
        } finally {
            agent.destroy();
        }
    }
}
