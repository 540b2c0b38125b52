package dev.runbook.exec.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process SSH server for the tests: real TCP on 127.0.0.1, a generated ECDSA host key, public keys from
 * {@code .pub} files, an optional password, SFTP, and exec requests run as {@code /bin/sh -c COMMAND} the way
 * sshd runs them through a login shell. Like OpenSSH without a pty, closing a channel does not kill its command.
 */
final class TestSshd implements AutoCloseable {

    final SshServer server;
    final AtomicInteger sessions = new AtomicInteger();
    private final SimpleGeneratorHostKeyProvider hostKey;

    /** @param setsid run commands in a session of their own, as OpenSSH does (their pid is their group's id) */
    TestSshd(Path dir, List<Path> authorizedPubKeys, String password, boolean setsid) throws IOException {
        this(dir, authorizedPubKeys, password, setsid, 0);
    }

    /** @param port 0 for any free one */
    TestSshd(Path dir, List<Path> authorizedPubKeys, String password, boolean setsid, int port) throws IOException {
        List<PublicKey> allowed = new ArrayList<>();
        for (Path p : authorizedPubKeys) {
            for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(p)) {
                try {
                    allowed.add(e.resolvePublicKey(null, null));
                } catch (java.security.GeneralSecurityException ex) {
                    throw new IOException(ex);
                }
            }
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setForwardingFilter(org.apache.sshd.server.forward.AcceptAllForwardingFilter.INSTANCE);
        hostKey = new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser"));
        hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKey.setKeySize(256);
        server.setKeyPairProvider(hostKey);
        server.setPublickeyAuthenticator((user, key, s) -> allowed.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        if (password != null) {
            server.setPasswordAuthenticator((user, pw, s) -> password.equals(pw));
        }
        server.setCommandFactory((channel, command) -> new ShellCommand(command, setsid));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessions.incrementAndGet();
            }
        });
        server.start();
    }

    int port() {
        return server.getPort();
    }

    PublicKey hostPublicKey() {
        for (KeyPair kp : hostKey.loadKeys(null)) {
            return kp.getPublic();
        }
        throw new IllegalStateException("no host key");
    }

    /** The line known_hosts holds for this server. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostPublicKey());
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** Runs one exec request with /bin/sh -c and reports its exit status. */
    static final class ShellCommand implements Command {
        private final String command;
        private final boolean setsid;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private InputStream in;
        private volatile Process process;

        ShellCommand(String command, boolean setsid) {
            this.command = command;
            this.setsid = setsid;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            List<String> argv = new ArrayList<>(setsid ? List.of("setsid", "/bin/sh", "-c") : List.of("/bin/sh", "-c"));
            argv.add(command);
            Process p = new ProcessBuilder(argv).start();
            process = p;
            // as under OpenSSH: the command's stdin is the channel's, and ends when the channel closes
            Thread i = pump(in, p.getOutputStream());
            Thread o = pump(p.getInputStream(), out);
            Thread e = pump(p.getErrorStream(), err);
            Thread w = new Thread(() -> {
                try {
                    int code = p.waitFor();
                    o.join();
                    e.join();
                    exit.onExit(code);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "test-sshd-wait");
            w.setDaemon(true);
            w.start();
        }

        private static Thread pump(InputStream from, OutputStream to) {
            Thread t = new Thread(() -> {
                byte[] b = new byte[8192];
                try {
                    int n;
                    while ((n = from.read(b)) > 0) {
                        to.write(b, 0, n);
                        to.flush();
                    }
                } catch (IOException ex) {
                    // the channel closed: the command keeps running, as under OpenSSH
                }
            }, "test-sshd-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null) {
                try {
                    p.getOutputStream().close();
                } catch (IOException ex) {
                    // it ended already
                }
            }
        }
    }
}
