package dev.runbook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real OpenSSH hosts for tests: the sshd processes that {@code bench/sshd-hosts.sh start DIR N} runs on loopback
 * addresses 127.0.1.1 .. 127.0.1.N, port 2222, user {@code rbtest} ({@code .ci/run} starts 20 of them). They are
 * described by the environment that {@code DIR/env} exports:
 *
 * <pre>
 *   RUNBOOK_TEST_SSH_HOSTS        "127.0.1.1 127.0.1.2 ..." (space separated)
 *   RUNBOOK_TEST_SSH_PORT         2222
 *   RUNBOOK_TEST_SSH_USER         rbtest
 *   RUNBOOK_TEST_SSH_KEY          DIR/id_ed25519        the client's private key (no passphrase, root's alone)
 *   RUNBOOK_TEST_SSH_KNOWN_HOSTS  DIR/known_hosts       "[127.0.1.K]:2222 ssh-ed25519 ..." for every host
 *   RUNBOOK_TEST_SSHD             /usr/sbin/sshd
 *   RUNBOOK_TEST_SSH_DIR          DIR                   configs, host keys, pid files, logs
 * </pre>
 *
 * <p>{@link #require()} skips the calling test when they are not set, or fails it when {@code RUNBOOK_REQUIRE_ALL}
 * is set (as {@code .ci/run} does). {@link #startExtra} starts one more sshd of the same kind, on an address of the
 * test's choosing, that the test may kill in the middle of a command or that presents an unexpected host key.
 */
public final class OpenSshHosts {

    public static final String HOSTS = "RUNBOOK_TEST_SSH_HOSTS";
    public static final String PORT = "RUNBOOK_TEST_SSH_PORT";
    public static final String USER = "RUNBOOK_TEST_SSH_USER";
    public static final String KEY = "RUNBOOK_TEST_SSH_KEY";
    public static final String KNOWN_HOSTS = "RUNBOOK_TEST_SSH_KNOWN_HOSTS";
    public static final String SSHD = "RUNBOOK_TEST_SSHD";
    public static final String DIR = "RUNBOOK_TEST_SSH_DIR";

    private final List<String> hosts;
    private final int port;
    private final String user;
    private final Path key;
    private final Path knownHosts;
    private final Path sshd;
    private final Path dir;

    OpenSshHosts(List<String> hosts, int port, String user, Path key, Path knownHosts, Path sshd, Path dir) {
        this.hosts = List.copyOf(hosts);
        this.port = port;
        this.user = user;
        this.key = key;
        this.knownHosts = knownHosts;
        this.sshd = sshd;
        this.dir = dir;
    }

    /**
     * The hosts of the environment; without them ({@code RUNBOOK_TEST_SSH_HOSTS} unset or blank) the calling test is
     * skipped, or fails when {@code RUNBOOK_REQUIRE_ALL} is set. A half-set environment always fails.
     */
    public static OpenSshHosts require() {
        Optional<OpenSshHosts> hosts = fromEnv(System.getenv());
        if (hosts.isEmpty()) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(HOSTS + " is not set, and RUNBOOK_REQUIRE_ALL says every test must run:"
                        + " .ci/run starts the SSH hosts (bench/sshd-hosts.sh start DIR 20, then source DIR/env)");
            }
            Assumptions.abort(HOSTS + " is not set: no SSH hosts to test against"
                    + " (bench/sshd-hosts.sh start /tmp/rb-ssh 20 && source /tmp/rb-ssh/env)");
        }
        return hosts.get();
    }

    /** The hosts an environment describes, or empty when it names none. */
    public static Optional<OpenSshHosts> fromEnv(Map<String, String> env) {
        String list = env.get(HOSTS);
        if (list == null || list.isBlank()) {
            return Optional.empty();
        }
        List<String> hosts = Arrays.asList(list.trim().split("\\s+"));
        String keyFile = need(env, KEY);
        String known = need(env, KNOWN_HOSTS);
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault(PORT, "2222").trim());
        } catch (NumberFormatException e) {
            throw new AssertionError(PORT + " is not a port number: " + env.get(PORT));
        }
        String user = env.getOrDefault(USER, "rbtest").trim();
        Path key = Path.of(keyFile);
        String dir = env.get(DIR);
        return Optional.of(new OpenSshHosts(hosts, port, user, key, Path.of(known),
                Path.of(env.getOrDefault(SSHD, "/usr/sbin/sshd")),
                dir == null || dir.isBlank() ? key.toAbsolutePath().getParent() : Path.of(dir)));
    }

    private static String need(Map<String, String> env, String var) {
        String value = env.get(var);
        if (value == null || value.isBlank()) {
            throw new AssertionError(HOSTS + " is set but " + var + " is not: source DIR/env of bench/sshd-hosts.sh");
        }
        return value.trim();
    }

    /** The hosts' addresses, 127.0.1.1 first. */
    public List<String> hosts() {
        return hosts;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** The client's private key (OpenSSH format, ed25519, no passphrase). */
    public Path key() {
        return key;
    }

    /** known_hosts with every host's key, as {@code [ADDRESS]:PORT ssh-ed25519 ...}. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** The directory of bench/sshd-hosts.sh: configs, host keys, pid files, logs. */
    public Path dir() {
        return dir;
    }

    /** Host {@code i} (0-based: {@code target(0)} is the first host) as a runbook target: {@code rbtest@127.0.1.1:2222}. */
    public String target(int i) {
        return target(hosts.get(i), port);
    }

    /** Every host as a runbook target, in order. */
    public List<String> targets() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            out.add(target(i));
        }
        return out;
    }

    private String target(String address, int port) {
        return user + "@" + address + ":" + port;
    }

    /**
     * The argv of the real OpenSSH client running {@code command} on {@code address} at {@link #port()}: the key,
     * {@code knownHosts} with StrictHostKeyChecking=yes, BatchMode, no ssh_config of the machine's user.
     */
    public List<String> sshCommand(String address, Path knownHosts, String command) {
        return List.of("ssh", "-F", "none", "-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10", "-p", Integer.toString(port), "-l", user, address, command);
    }

    /** {@link #sshCommand(String, Path, String)} with {@link #knownHosts()}. */
    public List<String> sshCommand(String address, String command) {
        return sshCommand(address, knownHosts, command);
    }

    /**
     * Starts one more sshd like those of the environment (same user, key and options), on {@code address} (not one
     * of {@link #hosts()}: e.g. 127.0.2.1) at {@link #port()}. Its config, pid file, log and {@link Sshd#knownHosts()}
     * live in a temporary directory. With {@code newHostKey} it presents a freshly generated host key, not the one
     * that its known_hosts lists for it. Needs root, like the environment's sshds.
     */
    public Sshd startExtra(String address, boolean newHostKey) throws IOException {
        if (hosts.contains(address)) {
            throw new IllegalArgumentException(address + " is one of the environment's hosts: choose another, e.g. 127.0.2.1");
        }
        Path common = dir.resolve("sshd_common.conf");
        Path dirKey = dir.resolve("ssh_host_ed25519_key");
        if (!Files.isRegularFile(common) || !Files.isRegularFile(dirKey)) {
            throw new AssertionError("no " + common + " or " + dirKey + ": start the hosts with bench/sshd-hosts.sh");
        }
        Path tmp = Files.createTempDirectory("rb-sshd-");
        Path hostKey = dirKey;
        if (newHostKey) {
            hostKey = tmp.resolve("hostkey");
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "runbook-test-new-host-key",
                    "-f", hostKey.toString()));
        }
        Path config = tmp.resolve("sshd.conf");
        String conf = Files.readString(common)
                + "HostKey " + hostKey + "\n"
                + "PidFile " + tmp.resolve("sshd.pid") + "\n"
                + "ListenAddress " + address + ":" + port + "\n";
        Files.writeString(config, conf);
        // Its known_hosts: the environment's, plus this address with the environment's host key (the one it
        // presents unless newHostKey).
        String expected = firstTwoFields(Files.readString(dir.resolve("ssh_host_ed25519_key.pub")));
        Path known = tmp.resolve("known_hosts");
        Files.writeString(known, Files.readString(knownHosts) + "[" + address + "]:" + port + " " + expected + "\n");
        Sshd s = new Sshd(this, address, tmp, config, known, Path.of(hostKey + ".pub"));
        try {
            s.start();
        } catch (IOException | RuntimeException | Error e) {
            s.stop();
            throw e;
        }
        return s;
    }

    private static String firstTwoFields(String pub) {
        String[] f = pub.trim().split("\\s+");
        return f[0] + " " + f[1];
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        }
    }

    /**
     * One sshd started by {@link #startExtra}: a foreground listener ({@code sshd -D}), a child of this JVM (and
     * killed with it), that forks one process tree per connection: {@code sshd: USER [priv]}, its
     * {@code sshd: USER@notty} and the command's shell. Those rename themselves, so they cannot be found by the config
     * path in their argv: {@link #kill()} stops the tree first and kills every process in it.
     */
    public static final class Sshd implements AutoCloseable {
        private final OpenSshHosts env;
        private final String address;
        private final Path tmp;
        private final Path config;
        private final Path knownHosts;
        private final Path hostKeyPub;
        private Process listener;

        Sshd(OpenSshHosts env, String address, Path tmp, Path config, Path knownHosts, Path hostKeyPub) {
            this.env = env;
            this.address = address;
            this.tmp = tmp;
            this.config = config;
            this.knownHosts = knownHosts;
            this.hostKeyPub = hostKeyPub;
        }

        public String address() {
            return address;
        }

        public int port() {
            return env.port;
        }

        /** {@code rbtest@ADDRESS:2222}. */
        public String target() {
            return env.target(address, env.port);
        }

        /** The config this sshd runs with. */
        public Path config() {
            return config;
        }

        /** The environment's known_hosts plus a line for this address with the environment's host key. */
        public Path knownHosts() {
            return knownHosts;
        }

        /** The public host key it presents (differs from its known_hosts line when started with a new host key). */
        public Path hostKeyPub() {
            return hostKeyPub;
        }

        /** sshd's log ({@code -E}). */
        public Path log() {
            return tmp.resolve("sshd.log");
        }

        /** The listener's pid, or -1 when it does not run. */
        public long pid() {
            return listener != null && listener.isAlive() ? listener.pid() : -1;
        }

        /** The listener and every process it forked (connections and their commands), listener first. */
        public List<Long> processes() {
            List<Long> out = new ArrayList<>();
            if (listener != null && listener.isAlive()) {
                out.add(listener.pid());
                listener.descendants().forEach(h -> out.add(h.pid()));
            }
            return out;
        }

        /** (Re)starts the listener with the same config and keys, and waits until it greets. */
        public synchronized void start() throws IOException {
            if (listener != null && listener.isAlive()) {
                return;
            }
            Path sshd = env.sshd;
            List<String> argv = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                // Killed with the JVM, so that a crashed test run leaves no listener on the address.
                argv.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
            }
            argv.addAll(List.of(sshd.toString(), "-D", "-f", config.toString(), "-E", log().toString()));
            listener = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("sshd.out").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!greets(address, env.port)) {
                if (!listener.isAlive() || System.nanoTime() > deadline) {
                    String why = listener.isAlive() ? "does not greet after 15 s" : "exited " + listener.exitValue();
                    kill();
                    throw new IOException("sshd on " + address + ":" + env.port + " " + why + ": " + logs());
                }
                sleep(50);
            }
        }

        private String logs() {
            StringBuilder sb = new StringBuilder();
            for (String f : List.of("sshd.out", "sshd.log")) {
                try {
                    sb.append(Files.readString(tmp.resolve(f))).append('\n');
                } catch (IOException e) {
                    // not written
                }
            }
            return sb.toString().strip();
        }

        /**
         * SIGKILL of the listener and of every process it forked, as if the host died: the tree is stopped first
         * (SIGSTOP, top down, so that none forks or exits meanwhile), then killed. Returns when the listener is gone.
         */
        public synchronized void kill() {
            if (listener == null) {
                return;
            }
            List<Long> tree = freezeTree(listener.pid());
            signal("KILL", tree);
            try {
                listener.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The others were reparented to init: wait until they are gone, briefly.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (tree.stream().anyMatch(Sshd::running) && System.nanoTime() < deadline) {
                sleep(20);
            }
        }

        /** Kills it ({@link #kill()}) and removes its directory. */
        public synchronized void stop() {
            kill();
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            stop();
        }

        /** SIGSTOPs root and all its descendants, each stopped before its children are listed; returns them all. */
        private static List<Long> freezeTree(long root) {
            Set<Long> all = new LinkedHashSet<>();
            Deque<Long> queue = new ArrayDeque<>();
            queue.add(root);
            while (!queue.isEmpty()) {
                long pid = queue.poll();
                if (!all.add(pid)) {
                    continue;
                }
                signal("STOP", List.of(pid));
                awaitStopped(pid);
                ProcessHandle.of(pid).ifPresent(h -> h.children().forEach(c -> queue.add(c.pid())));
            }
            return new ArrayList<>(all);
        }

        /** Until /proc/PID/stat says stopped (T), gone or a zombie: a fork in progress has then completed. */
        private static void awaitStopped(long pid) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) {
                char state = state(pid);
                if (state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == '?') {
                    return;
                }
                Thread.onSpinWait();
            }
        }

        private static char state(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2);
            } catch (IOException | RuntimeException e) {
                return '?';
            }
        }

        /** Alive and not a zombie. */
        static boolean running(long pid) {
            char s = state(pid);
            return s != '?' && s != 'Z' && s != 'X';
        }

        private static void signal(String sig, List<Long> pids) {
            if (pids.isEmpty()) {
                return;
            }
            List<String> argv = new ArrayList<>(List.of("kill", "-" + sig, "--"));
            pids.forEach(p -> argv.add(Long.toString(p)));
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** An SSH server greets on address:port within a second. */
    static boolean greets(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            byte[] b = in.readNBytes(4);
            return new String(b, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }
}
