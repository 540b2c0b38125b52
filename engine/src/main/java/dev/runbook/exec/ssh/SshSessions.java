package dev.runbook.exec.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SSH connections of one run: one per user, host and port, opened when first needed and shared by every step,
 * fact and rollback after that; opened again when it was lost. Different hosts connect in parallel. Reads
 * {@code ~/.ssh/config} for HostName, User, Port, IdentityFile, IdentitiesOnly and ProxyJump (its first hop):
 * what the address says wins over the config, the config over the defaults.
 */
public final class SshSessions implements AutoCloseable {

    /** Commands and transfers at once on one connection: OpenSSH's MaxSessions is 10, one is kept for kills. */
    static final int CHANNELS_PER_SESSION = 8;

    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final SshOptions options;
    private final ConfigRepository config;
    private final Connector connector;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    public SshSessions(SshOptions options) {
        this.options = options;
        this.config = readConfig(options.sshConfig());
        this.connector = new Connector(options);
    }

    private static ConfigRepository readConfig(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return OpenSSHConfig.parseFile(file.toString());
        } catch (IOException | RuntimeException e) {
            throw new SshException("cannot read the SSH config " + file + ": " + e.getMessage(), e);
        }
    }

    public SshOptions options() {
        return options;
    }

    /** An executor for {@code address} ({@code user@host:port}); connects on its first command. */
    public SshExecutor executor(String address) {
        return new SshExecutor(this, SshAddress.parse(address));
    }

    /**
     * A local unix socket that leads to the Docker engine's socket {@code remoteSocket} on {@code address}, over
     * these sessions' connection to it.
     *
     * @throws SshException when the host or its socket cannot be reached, in words
     */
    public DockerSocketTunnel dockerTunnel(String address, String remoteSocket) {
        return DockerSocketTunnel.open(this, resolve(SshAddress.parse(address), true), remoteSocket);
    }

    /** How many connections this run has opened so far, reopened ones included. */
    public int connectionsOpened() {
        return opened.get();
    }

    /** The address resolved against the config and defaults. */
    Target resolve(SshAddress a, boolean viaJump) {
        ConfigRepository.Config c = config == null ? null : config.getConfig(a.host());
        String host = a.host();
        String user = a.user();
        int port = a.port() == null ? -1 : a.port();
        List<Path> keys = new ArrayList<>(options.identities());
        String jump = viaJump ? options.jump() : null;
        boolean only = false;
        if (c != null) {
            host = c.getHostname() != null ? c.getHostname() : host;
            user = user != null ? user : c.getUser();
            port = port != -1 ? port : c.getPort();
            String[] files = c.getValues("IdentityFile");
            if (files != null) {
                for (String f : files) {
                    Path p = home(f);
                    if (Files.isRegularFile(p)) {
                        keys.add(p);
                    }
                }
            }
            only = "yes".equalsIgnoreCase(c.getValue("IdentitiesOnly"));
            String configured = c.getValue("ProxyJump");
            if (viaJump && jump == null && configured != null && !"none".equalsIgnoreCase(configured)) {
                jump = configured.split(",")[0].strip();
            }
        }
        if (!only) {
            for (String name : DEFAULT_KEYS) {
                Path p = SshOptions.sshDir().resolve(name);
                if (Files.isRegularFile(p) && !keys.contains(p)) {
                    keys.add(p);
                }
            }
        }
        user = user != null ? user : System.getProperty("user.name");
        port = port > 0 ? port : 22;
        SshAddress bastion = jump == null ? null : SshAddress.parse(jump);
        return new Target(user, host, port, a, List.copyOf(keys), bastion, only);
    }

    private static Path home(String file) {
        String f = file.strip();
        if (f.length() > 1 && f.startsWith("\"") && f.endsWith("\"")) {
            f = f.substring(1, f.length() - 1);
        }
        if (f.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), f.substring(2));
        }
        return Path.of(f);
    }

    /** The live connection to {@code target}, opened (or opened again) here when needed. */
    Connection connection(Target target) {
        if (closed) {
            throw new SshException("ssh " + target.describe() + ": the run's SSH connections are closed");
        }
        Slot slot = slots.computeIfAbsent(target.key(), k -> new Slot());
        slot.lock.lock();
        try {
            Session s = slot.session;
            if (s != null && s.isConnected()) {
                return new Connection(target, s, slot.channels);
            }
            slot.dropForward();
            if (s != null) {
                s.disconnect();
            }
            if (target.jump() == null) {
                s = connector.open(target, target.host(), target.port());
            } else {
                Connection bastion = connection(resolve(target.jump(), false));
                int local = forward(bastion, target);
                slot.forward = bastion.session();
                slot.forwardPort = local;
                s = connector.open(target, "127.0.0.1", local);
            }
            slot.session = s;
            opened.incrementAndGet();
            return new Connection(target, s, slot.channels);
        } finally {
            slot.lock.unlock();
        }
    }

    private static int forward(Connection bastion, Target target) {
        try {
            return bastion.session().setPortForwardingL("127.0.0.1", 0, target.host(), target.port());
        } catch (JSchException e) {
            throw new SshException("cannot reach " + target.describe() + " through the bastion " + target.jump() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Forgets the connection to {@code target} so that the next use opens a new one. */
    void lost(Target target, Session session) {
        Slot slot = slots.get(target.key());
        if (slot != null && slot.session == session) {
            session.disconnect();
        }
    }

    /** Disconnects every connection; executors made from here fail after this. */
    @Override
    public void close() {
        closed = true;
        List<Slot> all = new ArrayList<>(slots.values());
        // targets behind a bastion first, so their forwarded ports close before the bastion's connection
        all.sort((x, y) -> Boolean.compare(y.forward != null, x.forward != null));
        for (Slot slot : all) {
            slot.lock.lock();
            try {
                if (slot.session != null) {
                    slot.session.disconnect();
                }
                slot.dropForward();
            } finally {
                slot.lock.unlock();
            }
        }
        slots.clear();
    }

    /** One target's connection and the permits for its channels. */
    record Connection(Target target, Session session, Semaphore channels) {
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Semaphore channels = new Semaphore(CHANNELS_PER_SESSION, true);
        volatile Session session;
        Session forward;
        int forwardPort;

        void dropForward() {
            if (forward != null) {
                try {
                    forward.delPortForwardingL("127.0.0.1", forwardPort);
                } catch (JSchException e) {
                    // the bastion's connection is gone, and its forwarding with it
                }
                forward = null;
            }
        }
    }
}
