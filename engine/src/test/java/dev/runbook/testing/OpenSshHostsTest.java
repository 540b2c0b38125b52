package dev.runbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.OpenSshHosts.Sshd;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SSH hosts of {@code bench/sshd-hosts.sh} (started by {@code .ci/run}) with the real OpenSSH client: every host
 * lets {@code rbtest} in with the key and presents the key of known_hosts, and {@link OpenSshHosts#startExtra} starts
 * an sshd that {@link Sshd#kill()} kills with every process of its connections. Skipped without the hosts, unless
 * {@code RUNBOOK_REQUIRE_ALL} is set.
 */
class OpenSshHostsTest {

    record Result(int exit, String out) {}

    static Result run(List<String> argv, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " still runs after " + seconds + " s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void everyHostLetsRbtestInWithTheKeyAndAKnownHostKey() throws Exception {
        OpenSshHosts ssh = OpenSshHosts.require();
        assertThat(ssh.hosts()).isNotEmpty();
        assertThat(ssh.target(0)).isEqualTo(ssh.user() + "@" + ssh.hosts().get(0) + ":" + ssh.port());
        // All at once, as a fleet would be reached.
        List<Process> procs = new ArrayList<>();
        for (String host : ssh.hosts()) {
            procs.add(new ProcessBuilder(ssh.sshCommand(host, "whoami")).redirectErrorStream(true).start());
        }
        for (int i = 0; i < procs.size(); i++) {
            Process p = procs.get(i);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ssh to %s ends", ssh.hosts().get(i)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("ssh to %s: %s", ssh.hosts().get(i), out).isZero();
            assertThat(out.strip()).as("whoami on %s", ssh.hosts().get(i)).isEqualTo(ssh.user());
        }
    }

    @Test
    void anExtraSshdRunsCommandsAndItsKillLeavesNoProcessBehind() throws Exception {
        OpenSshHosts ssh = OpenSshHosts.require();
        try (Sshd extra = ssh.startExtra("127.0.2.1", false)) {
            assertThat(extra.target()).isEqualTo(ssh.user() + "@127.0.2.1:" + ssh.port());
            Result who = run(ssh.sshCommand(extra.address(), extra.knownHosts(), "whoami"), 30);
            assertThat(who.exit()).as(who.out()).isZero();
            assertThat(who.out().strip()).isEqualTo(ssh.user());
            // The environment's known_hosts has no line for it: strict checking refuses it.
            Result unknown = run(ssh.sshCommand(extra.address(), ssh.knownHosts(), "whoami"), 30);
            assertThat(unknown.exit()).isEqualTo(255);
            assertThat(unknown.out()).contains("No ED25519 host key is known for [127.0.2.1]:" + ssh.port());

            // A command in flight, then the host dies.
            Path marker = Files.createTempFile("rb-ssh-kill", ".txt");
            Process running = new ProcessBuilder(ssh.sshCommand(extra.address(), extra.knownHosts(),
                    "echo started; sleep 60; echo survived"))
                    .redirectErrorStream(true).redirectOutput(marker.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(marker).contains("started")) {
                assertThat(System.nanoTime()).as("the command starts").isLessThan(deadline);
                assertThat(running.isAlive()).as("ssh: %s", Files.readString(marker)).isTrue();
                Thread.sleep(20);
            }
            List<Long> tree = extra.processes();
            // listener, [priv], USER@notty, the shell, sleep
            assertThat(tree.size()).as("processes %s", tree).isGreaterThanOrEqualTo(4);
            assertThat(cmdlines(tree)).anyMatch(c -> c.contains("sleep 60"));

            extra.kill();

            assertThat(tree).noneMatch(Sshd::running);
            assertThat(sshdsOf(extra.config())).isEmpty();
            assertThat(running.waitFor(30, TimeUnit.SECONDS)).as("the client notices").isTrue();
            assertThat(running.exitValue()).isEqualTo(255);
            assertThat(Files.readString(marker)).doesNotContain("survived");
            assertThat(OpenSshHosts.greets(extra.address(), extra.port())).isFalse();
            Files.delete(marker);

            // It comes back.
            extra.start();
            Result again = run(ssh.sshCommand(extra.address(), extra.knownHosts(), "echo back"), 30);
            assertThat(again.out().strip()).isEqualTo("back");
        }
        assertThat(OpenSshHosts.greets("127.0.2.1", ssh.port())).isFalse();
    }

    @Test
    void anExtraSshdWithANewHostKeyIsRefused() throws Exception {
        OpenSshHosts ssh = OpenSshHosts.require();
        try (Sshd extra = ssh.startExtra("127.0.2.2", true)) {
            Result r = run(ssh.sshCommand(extra.address(), extra.knownHosts(), "echo in"), 30);
            assertThat(r.exit()).isEqualTo(255);
            assertThat(r.out()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED").doesNotContain("in\n");
            assertThat(Files.readString(extra.hostKeyPub()))
                    .doesNotContain(Files.readString(ssh.dir().resolve("ssh_host_ed25519_key.pub")).split(" ")[1]);
        }
    }

    static List<String> cmdlines(List<Long> pids) {
        List<String> out = new ArrayList<>();
        for (long pid : pids) {
            try {
                out.add(Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' '));
            } catch (IOException e) {
                // gone
            }
        }
        return out;
    }

    /** Running processes whose argv names the config (the listener and any child that kept its argv). */
    static List<String> sshdsOf(Path config) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || !Sshd.running(Long.parseLong(name))) {
                    continue;
                }
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains(config.toString())) {
                        out.add(name + ": " + cmd);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return out;
    }
}
