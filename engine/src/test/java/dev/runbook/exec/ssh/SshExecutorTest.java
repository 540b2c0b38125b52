package dev.runbook.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.exec.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshExecutorTest {

    @TempDir
    Path dir;
    Path key;
    TestSshd sshd;
    SshSessions sessions;

    @BeforeEach
    void start() throws Exception {
        key = Keys.ecdsa(dir, "client");
        sshd = new TestSshd(dir, List.of(Keys.pub(key)), null, true);
        Files.writeString(dir.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        sessions = new SshSessions(Keys.options(dir, key, false));
    }

    @AfterEach
    void stop() throws Exception {
        sessions.close();
        sshd.close();
    }

    private String address() {
        return "tester@127.0.0.1:" + sshd.port();
    }

    @Test
    void runsCommandsWithTheirOutputAndExitCode() throws Exception {
        SshExecutor ssh = sessions.executor(address());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CommandResult r = ssh.run("echo out; echo err >&2; printf '%s\\n' \"it's $((1+2))\"; exit 3", null,
                (stderr, line) -> lines.add((stderr ? "E " : "O ") + line));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("out\nit's 3");
        assertThat(r.stderr()).isEqualTo("err");
        assertThat(lines).containsExactlyInAnyOrder("O out", "E err", "O it's 3");
        assertThat(ssh.run("true", null, null).ok()).isTrue();
        assertThat(ssh.host()).isEqualTo(address());
    }

    @Test
    void sharesOneConnectionAndRunsChannelsInParallel() throws Exception {
        SshExecutor a = sessions.executor(address());
        SshExecutor b = sessions.executor(address());
        assertThat(a.run("echo one", null, null).stdout()).isEqualTo("one");
        var pool = Executors.newFixedThreadPool(6);
        long start = System.nanoTime();
        List<Future<CommandResult>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            runs.add(pool.submit(() -> (n % 2 == 0 ? a : b).run("sleep 1; echo " + n, null, null)));
        }
        for (int i = 0; i < 6; i++) {
            assertThat(runs.get(i).get().stdout()).isEqualTo(String.valueOf(i));
        }
        pool.shutdown();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2800));
        assertThat(sshd.sessions.get()).isEqualTo(1);
        assertThat(sessions.connectionsOpened()).isEqualTo(1);
    }

    /** Under OpenSSH a command leads its own process group (setsid); under other servers it does not. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTimeoutKillsTheRemoteCommandAndWhatItStarted(boolean ownGroup) throws Exception {
        sshd.close();
        sshd = new TestSshd(dir, List.of(Keys.pub(key)), null, ownGroup);
        Files.writeString(dir.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        Path pid = dir.resolve("pid");
        Path child = dir.resolve("child");
        SshExecutor ssh = sessions.executor(address());
        long start = System.nanoTime();
        CommandResult r = ssh.run("echo $$ > " + pid + "; sleep 60 & echo $! > " + child + "; wait", Duration.ofSeconds(1), null);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        assertGone(Long.parseLong(Files.readString(pid).strip()));
        assertGone(Long.parseLong(Files.readString(child).strip()));
        assertThat(ssh.run("echo still", null, null).stdout()).isEqualTo("still");
    }

    private static void assertGone(long pid) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process " + pid + " alive").isFalse();
    }

    @Test
    void anInterruptKillsTheRemoteCommand() throws Exception {
        Path pid = dir.resolve("pid");
        SshExecutor ssh = sessions.executor(address());
        Thread caller = Thread.currentThread();
        var interrupter = Executors.newSingleThreadScheduledExecutor();
        interrupter.schedule(caller::interrupt, 700, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> ssh.run("echo $$ > " + pid + "; exec sleep 60", null, null))
                .isInstanceOf(InterruptedException.class);
        interrupter.shutdown();
        Thread.interrupted();
        assertGone(Long.parseLong(Files.readString(pid).strip()));
    }

    @Test
    void aServerGoneMidCommandIsReportedAndTheNextCommandReconnects() throws Exception {
        sessions.close();
        sessions = new SshSessions(Keys.options(dir, key, false).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        SshExecutor ssh = sessions.executor(address());
        assertThat(ssh.run("echo up", null, null).stdout()).isEqualTo("up");
        int port = sshd.port();
        var stopper = Executors.newSingleThreadScheduledExecutor();
        stopper.schedule(() -> {
            sshd.server.stop(true);
            return null;
        }, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        // The server going away closes the command's stdin, so the wrapper's watcher kills it: whether the killed
        // command's status still reaches the client before the connection drops is a race. Either way the step
        // fails at once, never hangs, and says what happened.
        try {
            CommandResult r = ssh.run("sleep 20", null, null);
            assertThat(r.ok()).as("a command whose server went away").isFalse();
            assertThat(r.exitCode()).as("killed").isEqualTo(137);
        } catch (SshException e) {
            assertThat(e).hasMessageContaining("tester@127.0.0.1:" + port)
                    .hasMessageContaining("the connection was lost while running the command: sleep 20");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        stopper.shutdown();
        sshd = new TestSshd(dir, List.of(Keys.pub(key)), null, true, port);
        assertThat(ssh.run("echo again", null, null).stdout()).isEqualTo("again");
        assertThat(sessions.connectionsOpened()).isEqualTo(2);
    }

    @Test
    void aNetworkThatGoesSilentIsNoticedWithinTheKeepaliveWindow() throws Exception {
        try (FreezingProxy proxy = new FreezingProxy(sshd.port())) {
            Files.writeString(dir.resolve("known_hosts"),
                    sshd.knownHostsLine().replace(":" + sshd.port() + " ", ":" + proxy.port() + " ") + "\n");
            sessions.close();
            sessions = new SshSessions(Keys.options(dir, key, false).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)));
            SshExecutor ssh = sessions.executor("tester@127.0.0.1:" + proxy.port());
            assertThat(ssh.run("echo up", null, null).stdout()).isEqualTo("up");
            var freezer = Executors.newSingleThreadScheduledExecutor();
            freezer.schedule(() -> proxy.frozen = true, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            assertThatThrownBy(() -> ssh.run("sleep 30", null, null)).isInstanceOf(SshException.class)
                    .hasMessageContaining("the connection was lost");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isLessThan(Duration.ofSeconds(8));
            freezer.shutdown();
            proxy.frozen = false;
            assertThat(ssh.run("echo back", null, null).stdout()).isEqualTo("back");
        }
    }

    @Test
    void uploadsAndDownloadsAtomicallyWithTheMode() throws Exception {
        SshExecutor ssh = sessions.executor(address());
        Path local = dir.resolve("app.conf");
        Files.writeString(local, "port=8080\n");
        Path remote = Files.createDirectories(dir.resolve("remote")).resolve("app.conf");
        ssh.upload(local, remote.toString(), "0640");
        assertThat(Files.readString(remote)).isEqualTo("port=8080\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(remote))).isEqualTo("rw-r-----");
        Files.writeString(local, "port=9090\n");
        ssh.upload(local, remote.toString(), null);
        assertThat(Files.readString(remote)).isEqualTo("port=9090\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(remote))).isEqualTo("rw-r-----");
        try (var files = Files.list(remote.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("app.conf");
        }
        Path back = dir.resolve("back.conf");
        ssh.download(remote.toString(), back);
        assertThat(Files.readString(back)).isEqualTo("port=9090\n");
        assertThatThrownBy(() -> ssh.download(dir.resolve("missing").toString(), back))
                .isInstanceOf(SshException.class).hasMessageContaining(dir.resolve("missing").toString())
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> ssh.upload(local, dir.resolve("nodir/x").toString(), null))
                .isInstanceOf(SshException.class).hasMessageContaining("nodir/x");
        assertThat(Files.readString(back)).isEqualTo("port=9090\n");
    }
}
