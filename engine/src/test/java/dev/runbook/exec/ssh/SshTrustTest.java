package dev.runbook.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host keys and authentication: what is refused, what is recorded, and what the messages tell the operator. */
class SshTrustTest {

    @TempDir
    Path dir;
    Path key;
    Path knownHosts;
    TestSshd sshd;

    @BeforeEach
    void start() throws Exception {
        key = Keys.ecdsa(dir, "client");
        sshd = new TestSshd(dir, List.of(Keys.pub(key)), "s3cret", false);
        knownHosts = dir.resolve("known_hosts");
    }

    @AfterEach
    void stop() throws Exception {
        sshd.close();
    }

    private String address() {
        return "deploy@127.0.0.1:" + sshd.port();
    }

    /** The fingerprint as ssh-keygen -lf prints it for the server's key. */
    private String fingerprint() throws Exception {
        Path pub = dir.resolve("server.pub");
        Files.writeString(pub, sshd.knownHostsLine().substring(sshd.knownHostsLine().indexOf(' ') + 1) + "\n");
        Matcher m = Pattern.compile("(SHA256:\\S+) .*\\((\\w+)\\)").matcher(Keys.run("ssh-keygen", "-lf", pub.toString()));
        assertThat(m.find()).isTrue();
        return m.group(2) + " " + m.group(1);
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprintAndWhatToDo() throws Exception {
        try (SshSessions s = new SshSessions(Keys.options(dir, key, false))) {
            assertThatThrownBy(() -> s.executor(address()).run("true", null, null))
                    .isInstanceOf(SshException.class)
                    .hasMessageContaining("host key of deploy@127.0.0.1:" + sshd.port() + " (127.0.0.1:" + sshd.port() + ") is not known: " + fingerprint())
                    .hasMessageContaining("--accept-new-host-keys")
                    .hasMessageContaining(knownHosts.toString());
        }
        assertThat(Files.exists(knownHosts)).isFalse();
    }

    @Test
    void acceptNewRecordsTheKeyInAFormOpenSshReads() throws Exception {
        try (SshSessions s = new SshSessions(Keys.options(dir, key, true))) {
            assertThat(s.executor(address()).run("echo hi", null, null).stdout()).isEqualTo("hi");
        }
        assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + sshd.port() + " ecdsa-sha2-nistp256 ");
        assertThat(Keys.run("ssh-keygen", "-F", "[127.0.0.1]:" + sshd.port(), "-f", knownHosts.toString()))
                .contains("ecdsa-sha2-nistp256");
        try (SshSessions s = new SshSessions(Keys.options(dir, key, false))) {
            assertThat(s.executor(address()).run("echo again", null, null).stdout()).isEqualTo("again");
        }
        assertThat(Files.readAllLines(knownHosts)).hasSize(1);
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Path other = Keys.ecdsa(dir, "impostor");
        String otherKey = Files.readString(Keys.pub(other)).strip().replaceFirst(" impostor$", "");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.port() + " " + otherKey + "\n");
        String before = Files.readString(knownHosts);
        String old = Keys.run("ssh-keygen", "-lf", Keys.pub(other).toString()).split(" ")[1];
        try (SshSessions s = new SshSessions(Keys.options(dir, key, true))) {
            assertThatThrownBy(() -> s.executor(address()).run("true", null, null))
                    .isInstanceOf(SshException.class)
                    .hasMessageContaining("CHANGED")
                    .hasMessageContaining(fingerprint())
                    .hasMessageContaining(old)
                    .hasMessageContaining("man-in-the-middle")
                    .hasMessageContaining("ssh-keygen -R '[127.0.0.1]:" + sshd.port() + "' -f " + knownHosts);
        }
        assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }

    @Test
    void aRefusedLoginSaysWhoWhatAndWithWhichKeys() throws Exception {
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        Path stranger = Keys.ecdsa(dir, "stranger");
        try (SshSessions s = new SshSessions(Keys.options(dir, stranger, false))) {
            assertThatThrownBy(() -> s.executor(address()).run("true", null, null))
                    .isInstanceOf(SshException.class)
                    .hasMessageContaining("refused to log in user deploy")
                    .hasMessageContaining("publickey")
                    .hasMessageContaining(stranger.toString())
                    .hasMessageContaining("password authentication is off");
        }
    }

    @Test
    void aPasswordIsTriedOnlyWhenGiven() throws Exception {
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        Path stranger = Keys.ecdsa(dir, "stranger");
        try (SshSessions s = new SshSessions(Keys.options(dir, stranger, false).withPassword("wrong"))) {
            assertThatThrownBy(() -> s.executor(address()).run("true", null, null))
                    .isInstanceOf(SshException.class).hasMessageContaining("then password, which was refused");
        }
        try (SshSessions s = new SshSessions(Keys.options(dir, stranger, false).withPassword("s3cret"))) {
            assertThat(s.executor(address()).run("echo in", null, null).stdout()).isEqualTo("in");
        }
    }

    @Test
    void aPortWithNoServerIsConnectionRefused() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (SshSessions s = new SshSessions(Keys.options(dir, key, false))) {
            assertThatThrownBy(() -> s.executor("deploy@127.0.0.1:" + port).run("true", null, null))
                    .isInstanceOf(SshException.class)
                    .hasMessageContaining("connection refused")
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void theConfigSuppliesHostNamePortAndUserAndTheAddressWins() throws Exception {
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        Files.writeString(dir.resolve("ssh_config"), "Host web1\n  HostName 127.0.0.1\n  Port " + sshd.port()
                + "\n  User deploy\n  IdentityFile " + key + "\n\nHost *\n  IdentitiesOnly yes\n");
        try (SshSessions s = new SshSessions(Keys.options(dir, null, false))) {
            SshExecutor web1 = s.executor("web1");
            assertThat(web1.run("echo via-config", null, null).stdout()).isEqualTo("via-config");
            assertThat(web1.host()).isEqualTo("web1");
            assertThat(s.executor("deploy@127.0.0.1:" + sshd.port()).run("true", null, null).ok()).isTrue();
            assertThat(s.connectionsOpened()).isEqualTo(1);
            assertThatThrownBy(() -> s.executor("web1:1").run("true", null, null))
                    .isInstanceOf(SshException.class).hasMessageContaining("127.0.0.1:1");
        }
    }

    @Test
    void aJumpHostForwardsToTheTarget() throws Exception {
        TestSshd target = new TestSshd(dir.resolve("t"), List.of(Keys.pub(key)), null, false);
        try (target) {
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n" + target.knownHostsLine() + "\n");
            SshOptions o = Keys.options(dir, key, false).withJump("jumper@127.0.0.1:" + sshd.port());
            try (SshSessions s = new SshSessions(o)) {
                assertThat(s.executor("deploy@127.0.0.1:" + target.port()).run("echo behind", null, null).stdout())
                        .isEqualTo("behind");
            }
            assertThat(target.sessions.get()).isEqualTo(1);
            assertThat(sshd.sessions.get()).isEqualTo(1);
        }
    }

    @Test
    void anEncryptedKeyLogsInWithItsPassphraseAndIsNamedWithout() throws Exception {
        Path locked = dir.resolve("locked");
        Keys.run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "open sesame", "-C", "locked", "-f",
                locked.toString());
        sshd.close();
        sshd = new TestSshd(dir, List.of(Keys.pub(locked)), "s3cret", false);
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        SshOptions without = Keys.options(dir, locked, false);
        try (SshSessions s = new SshSessions(without)) {
            assertThatThrownBy(() -> s.executor(address()).run("true", null, null)).isInstanceOf(SshException.class)
                    .hasMessageContaining(locked.toString()).hasMessageContaining("passphrase");
        }
        try (SshSessions s = new SshSessions(without.withIdentities(List.of(locked), "open sesame"))) {
            assertThat(s.executor(address()).run("echo unlocked", null, null).stdout()).isEqualTo("unlocked");
        }
    }
}
