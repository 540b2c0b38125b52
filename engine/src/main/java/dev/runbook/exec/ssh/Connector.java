package dev.runbook.exec.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UnixDomainSocketFactory;
import com.jcraft.jsch.UserInfo;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

/** Opens one authenticated JSch session and turns each way that can fail into a message that says what to do. */
final class Connector {

    private final SshOptions options;

    Connector(SshOptions options) {
        this.options = options;
    }

    /**
     * Connects to {@code target}, reached at {@code connectHost:connectPort} (the target itself, or a local port
     * forwarded through a bastion).
     */
    Session open(Target target, String connectHost, int connectPort) {
        JSch jsch = new JSch();
        HostKeys hostKeys;
        try {
            jsch.setKnownHosts(options.knownHosts().toString());
        } catch (JSchException e) {
            throw new SshException("cannot read the known hosts file " + options.knownHosts() + ": " + e.getMessage(), e);
        }
        hostKeys = new HostKeys(jsch.getHostKeyRepository(), options.knownHosts(), options.acceptNewHostKeys());
        List<String> tried = new ArrayList<>();
        List<String> encrypted = new ArrayList<>();
        for (Path key : target.keys()) {
            addKey(jsch, key, tried, encrypted);
        }
        IdentityRepository files = jsch.getIdentityRepository();
        IdentityRepository agent = target.identitiesOnly() ? null : agent();
        Session s;
        try {
            s = jsch.getSession(target.user(), connectHost, connectPort);
        } catch (JSchException e) {
            throw new SshException("ssh " + target.describe() + ": " + e.getMessage(), e);
        }
        s.setIdentityRepository(agent == null ? files : new Both(agent, files));
        s.setHostKeyRepository(hostKeys);
        s.setHostKeyAlias(target.knownHostsName());
        s.setConfig("StrictHostKeyChecking", "yes");
        s.setConfig("PreferredAuthentications", options.password() == null ? "publickey" : "publickey,password");
        if (options.password() != null) {
            s.setPassword(options.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        s.setUserInfo(new Secrets(options.passphrase(), options.password()));
        s.setDaemonThread(true);
        s.setSocketFactory(new NoDelaySockets((int) options.connectTimeout().toMillis()));
        try {
            s.setServerAliveInterval((int) options.keepAlive().toMillis());
            s.setServerAliveCountMax(SshOptions.KEEPALIVE_COUNT);
            s.connect((int) options.connectTimeout().toMillis());
            return s;
        } catch (JSchException e) {
            s.disconnect();
            int agentKeys = agent == null ? 0 : agent.getIdentities().size();
            throw failure(target, e, hostKeys, tried, encrypted, agentKeys);
        }
    }

    private void addKey(JSch jsch, Path key, List<String> tried, List<String> encrypted) {
        try {
            if (options.passphrase() != null) {
                jsch.addIdentity(key.toString(), options.passphrase().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                jsch.addIdentity(key.toString());
            }
            tried.add(key.toString());
            for (Identity id : jsch.getIdentityRepository().getIdentities()) {
                if (id.getName().equals(key.toString()) && id.isEncrypted()) {
                    encrypted.add(key.toString());
                }
            }
        } catch (JSchException e) {
            throw new SshException("cannot use the SSH key " + key + ": " + e.getMessage(), e);
        }
    }

    /** The ssh-agent at {@code SSH_AUTH_SOCK}, through the JDK's own Unix sockets; null when there is none. */
    private static IdentityRepository agent() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        if (sock == null || sock.isEmpty() || !Files.exists(Path.of(sock))) {
            return null;
        }
        try {
            SSHAgentConnector c = new SSHAgentConnector(new UnixDomainSocketFactory(), Path.of(sock));
            return c.isAvailable() ? new AgentIdentityRepository(c) : null;
        } catch (Exception | LinkageError e) {
            return null;
        }
    }

    private SshException failure(Target t, JSchException e, HostKeys keys, List<String> tried, List<String> encrypted,
                                 int agentKeys) {
        String who = t.describe();
        String file = options.knownHosts().toString();
        if (e instanceof JSchUnknownHostKeyException) {
            return new SshException("host key of " + who + " is not known: " + keys.offered() + ". Check the fingerprint,"
                    + " then run again with --accept-new-host-keys to record it in " + file, e);
        }
        if (e instanceof JSchChangedHostKeyException) {
            String old = keys.recorded().isEmpty() ? "" : ", " + file + " has " + String.join(" and ", keys.recorded());
            return new SshException("host key of " + who + " has CHANGED: the host now offers " + keys.offered() + old
                    + ". Someone may be intercepting the connection (a man-in-the-middle attack), or the host was"
                    + " reinstalled. Only if the change was intended, remove the old key with: ssh-keygen -R '"
                    + t.knownHostsName() + "' -f " + file + " and run again with --accept-new-host-keys", e);
        }
        String msg = String.valueOf(e.getMessage());
        String kind = e.getClass().getSimpleName();
        if (kind.equals("JSchAuthCancelException") || kind.equals("JSchPartialAuthException")
                || msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) {
            StringBuilder b = new StringBuilder(who + " refused to log in user " + t.user() + ": tried publickey with ");
            b.append(tried.isEmpty() ? "no key file" : "key files " + String.join(", ", tried));
            b.append(agentKeys > 0 ? " and " + agentKeys + " ssh-agent key(s)" : ", no ssh-agent");
            if (!encrypted.isEmpty() && options.passphrase() == null) {
                b.append(" (").append(String.join(", ", encrypted)).append(" is encrypted and no passphrase was given)");
            }
            b.append(options.password() == null ? "; password authentication is off (no password given)"
                    : "; then password, which was refused");
            b.append(". Authorize one of these keys for ").append(t.user()).append(" on the host, or name the right key");
            return new SshException(b.toString(), e);
        }
        Throwable cause = rootCause(e);
        String where = SshAddress.hostPort(t.host(), t.port());
        if (cause instanceof ConnectException) {
            return new SshException("cannot connect to " + who + ": connection refused; is sshd running there and"
                    + " listening on " + where + "?", e);
        }
        if (cause instanceof UnknownHostException) {
            return new SshException("cannot connect to " + who + ": unknown host " + t.host() + "; check the name"
                    + " (and HostName in " + options.sshConfig() + ")", e);
        }
        if (cause instanceof NoRouteToHostException) {
            return new SshException("cannot connect to " + who + ": no route to " + where, e);
        }
        if (cause instanceof SocketTimeoutException || msg.contains("timeout") || msg.contains("timed out")) {
            return new SshException("cannot connect to " + who + ": no answer from " + where + " within "
                    + options.connectTimeout().toSeconds() + "s; check that the host is up and its firewall lets the"
                    + " port through", e);
        }
        if (t.jump() != null && (msg.contains("closed by foreign host") || msg.contains("Connection reset"))) {
            return new SshException("cannot connect to " + who + ": the bastion " + t.jump() + " could not reach "
                    + where + " (" + msg + ")", e);
        }
        return new SshException("cannot connect to " + who + ": " + msg, e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** The agent's keys first, then the files'. */
    private record Both(IdentityRepository agent, IdentityRepository files) implements IdentityRepository {

        @Override
        public String getName() {
            return "ssh-agent and key files";
        }

        @Override
        public int getStatus() {
            return RUNNING;
        }

        @Override
        public Vector<Identity> getIdentities() {
            Vector<Identity> all = new Vector<>();
            try {
                all.addAll(agent.getIdentities());
            } catch (RuntimeException e) {
                // an agent that went away leaves the key files
            }
            all.addAll(files.getIdentities());
            return all;
        }

        @Override
        public boolean add(byte[] identity) {
            return files.add(identity);
        }

        @Override
        public boolean remove(byte[] blob) {
            return files.remove(blob);
        }

        @Override
        public void removeAll() {
            files.removeAll();
        }
    }

    /** Answers JSch's prompts from the options: never asks a person. */
    private record Secrets(String passphrase, String password) implements UserInfo {

        @Override
        public String getPassphrase() {
            return passphrase;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public boolean promptPassword(String message) {
            return password != null;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return passphrase != null;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
        }
    }
}
