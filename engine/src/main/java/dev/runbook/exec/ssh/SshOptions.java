package dev.runbook.exec.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a run connects over SSH.
 *
 * @param knownHosts         the known_hosts file host keys are checked against
 * @param acceptNewHostKeys  record the key of a host not in {@code knownHosts} (a changed key is still refused)
 * @param sshConfig          the OpenSSH client config to read HostName, User, Port, IdentityFile and ProxyJump
 *                           from; a missing file is fine
 * @param identities         key files to try besides those of the config, the agent and the defaults
 * @param passphrase         for encrypted keys; null for none
 * @param password           password authentication is tried only when this is set; null for publickey only
 * @param connectTimeout     how long connecting and authenticating may take
 * @param keepAlive          how often an idle connection is probed; after {@link #KEEPALIVE_COUNT} unanswered
 *                           probes it counts as lost
 * @param jump               a bastion {@code user@host:port} every connection goes through; null for none
 */
public record SshOptions(Path knownHosts, boolean acceptNewHostKeys, Path sshConfig, List<Path> identities,
                         String passphrase, String password, Duration connectTimeout, Duration keepAlive,
                         String jump) {

    /** Unanswered keepalive probes after which the connection counts as lost. */
    public static final int KEEPALIVE_COUNT = 3;

    public SshOptions {
        identities = identities == null ? List.of() : List.copyOf(identities);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        keepAlive = keepAlive == null ? Duration.ofSeconds(5) : keepAlive;
        knownHosts = knownHosts == null ? sshDir().resolve("known_hosts") : knownHosts;
        sshConfig = sshConfig == null ? sshDir().resolve("config") : sshConfig;
    }

    /** The user's known_hosts and config, no extra keys, no password, 10 s to connect, a probe every 5 s. */
    public static SshOptions defaults() {
        return new SshOptions(null, false, null, List.of(), null, null, null, null, null);
    }

    static Path sshDir() {
        return Path.of(System.getProperty("user.home"), ".ssh");
    }

    public SshOptions withKnownHosts(Path file, boolean acceptNew) {
        return new SshOptions(file, acceptNew, sshConfig, identities, passphrase, password, connectTimeout, keepAlive, jump);
    }

    public SshOptions withSshConfig(Path file) {
        return new SshOptions(knownHosts, acceptNewHostKeys, file, identities, passphrase, password, connectTimeout, keepAlive, jump);
    }

    public SshOptions withIdentities(List<Path> keys, String keyPassphrase) {
        return new SshOptions(knownHosts, acceptNewHostKeys, sshConfig, keys, keyPassphrase, password, connectTimeout, keepAlive, jump);
    }

    public SshOptions withPassword(String pw) {
        return new SshOptions(knownHosts, acceptNewHostKeys, sshConfig, identities, passphrase, pw, connectTimeout, keepAlive, jump);
    }

    public SshOptions withTimeouts(Duration connect, Duration alive) {
        return new SshOptions(knownHosts, acceptNewHostKeys, sshConfig, identities, passphrase, password, connect, alive, jump);
    }

    public SshOptions withJump(String bastion) {
        return new SshOptions(knownHosts, acceptNewHostKeys, sshConfig, identities, passphrase, password, connectTimeout, keepAlive, bastion);
    }

    /** Hides the secrets. */
    @Override
    public String toString() {
        return "SshOptions[knownHosts=" + knownHosts + ", acceptNewHostKeys=" + acceptNewHostKeys + ", sshConfig="
                + sshConfig + ", identities=" + identities + ", passphrase=" + (passphrase == null ? "none" : "***")
                + ", password=" + (password == null ? "none" : "***") + ", connectTimeout=" + connectTimeout
                + ", keepAlive=" + keepAlive + ", jump=" + jump + "]";
    }
}
