package dev.runbook.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;

/**
 * One rehearsal stack of {@code examples/rails-stack/stack.sh}: the seed's Rails app stand-in on Docker Compose
 * (real Docker engine), reached over real OpenSSH on a loopback host, with its real PostgreSQL database and Redis,
 * and a local stand-in of the SaaS the runbook talks to (CI status, bug tracker, support desk, webhooks). It runs
 * {@code runbooks/production.yml} with {@code runbooks/customers/rehearsal.yml} as an operator does: a runbook JVM
 * of its own per command.
 */
final class RehearsalStack implements AutoCloseable {

    static final Path SCRIPT = RunFixture.ROOT.resolve("examples/rails-stack/stack.sh");
    static final Path PRODUCTION = RunFixture.ROOT.resolve("runbooks/production.yml");
    static final Path CUSTOMER = RunFixture.ROOT.resolve("runbooks/customers/rehearsal.yml");
    private static final List<String> NEEDS = List.of("RUNBOOK_TEST_SSH_HOSTS", "RUNBOOK_TEST_DOCKER_HOST",
            "RUNBOOK_TEST_POSTGRES_URL", "RUNBOOK_TEST_REDIS_URL");

    final Path dir;
    final Path state;
    private final Map<String, String> secrets;
    /** Where each runbook JVM started here writes its stdout and stderr. */
    private final Map<Process, Path> outputs = new LinkedHashMap<>();

    private RehearsalStack(Path dir) {
        this.dir = dir;
        this.state = dir.resolve("state");
        this.secrets = readSecrets(dir.resolve("secrets.env"));
    }

    /**
     * Skips the calling test when the servers are not there (fails it when {@code RUNBOOK_REQUIRE_ALL} is set, as
     * {@code .ci/run} does): the stack needs root (it adds the SSH user to the docker group, makes a database).
     */
    static void require() {
        List<String> missing = new ArrayList<>(NEEDS.stream().filter(n -> System.getenv(n) == null).toList());
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "the rehearsal stack needs " + missing + " (bash .ci/run starts the servers)";
        if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
    }

    /** Stands up a stack whose release v2.4.0 behaves as {@code release} says ({@code stack.sh up}). */
    static RehearsalStack up(Path dir, String release, String... more) {
        try {
            // the app host's user (rbtest) works in the stack's directory: JUnit makes temporary directories 0700
            Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("up", dir.toString(), "--release", release));
        cmd.addAll(List.of(more));
        try {
            script(dir.getParent().resolve(dir.getFileName() + "-up.log"), cmd);
        } catch (AssertionError e) {
            // a stack half made is taken down (its containers, database and SaaS stand-in), then the failure told
            try {
                script(dir.getParent().resolve(dir.getFileName() + "-down.log"), List.of("down", dir.toString()));
            } catch (AssertionError ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        return new RehearsalStack(dir);
    }

    /** Per table of the app's database: rows and a checksum of their content, and the schema version. */
    String checksum() {
        return script(dir.resolveSibling(dir.getFileName() + "-checksum.log"), List.of("checksum", dir.toString()));
    }

    /** The release the web service answers from (GET /version). */
    String version() {
        return script(dir.resolveSibling(dir.getFileName() + "-version.log"), List.of("version", dir.toString())).strip();
    }

    /** The bodies the local webhooks received, in order. */
    List<String> hooks() {
        Path hooks = dir.resolve("hooks");
        if (!Files.isDirectory(hooks)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(hooks)) {
            return s.sorted().map(RunFixture::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code runbook COMMAND production.yml --vars rehearsal.yml --vars STACK/vars.yml ... MORE}, to its end. */
    RunFixture.Result run(String command, String... more) throws Exception {
        Process p = start(dir.resolve(command + "-" + System.nanoTime()), command, more);
        return finish(p);
    }

    /** Starts a runbook JVM as {@link #run} does, its output in {@code out/child.out} and {@code out/child.err}. */
    Process start(Path out, String command, String... more) throws IOException {
        return start(out, state, command, more);
    }

    /** Starts a runbook JVM as another operator on another machine would: its own state directory {@code home}. */
    Process startElsewhere(Path home, String command, String... more) throws IOException {
        return start(home.resolve("out"), home.resolve("state"), command, more);
    }

    private Process start(Path out, Path state, String command, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.runbook.cli.Main", command));
        if (!command.equals("resume") && !command.equals("rollback")) {
            cmd.addAll(List.of(PRODUCTION.toString(), "--vars", CUSTOMER.toString(),
                    "--vars", dir.resolve("vars.yml").toString()));
        }
        if (!command.equals("plan")) {
            cmd.addAll(List.of("--state-dir", state.toString()));
        }
        if (List.of("exec", "resume", "rollback").contains(command)) {
            cmd.add("--no-color");
        }
        cmd.addAll(List.of(more));
        Files.createDirectories(out);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(RunFixture.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.resolve("child.out").toFile())
                .redirectError(out.resolve("child.err").toFile());
        pb.environment().putAll(secrets);
        pb.environment().put("USER", "rehearsal-operator");
        Process p = pb.start();
        outputs.put(p, out);
        return p;
    }

    /** Waits for a started runbook JVM (10 minutes at most) and returns what it printed. */
    RunFixture.Result finish(Process p) throws Exception {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("runbook did not end within 10 minutes");
        }
        Path out = outputs.get(p);
        return new RunFixture.Result(p.exitValue(), RunFixture.read(out.resolve("child.out")),
                RunFixture.read(out.resolve("child.err")));
    }

    /** The id of the one run in the state directory. */
    String runId() {
        return RunFixture.onlyRun(state);
    }

    /** The events of the one run. */
    List<JsonNode> journal() {
        return RunFixture.journal(state, runId());
    }

    /** Waits until the one run's journal satisfies {@code ready}. */
    List<JsonNode> awaitJournal(Process child, Duration within, Predicate<List<JsonNode>> ready) throws Exception {
        return RunFixture.awaitJournal(state, child, within, ready);
    }

    @Override
    public void close() {
        script(dir.resolveSibling(dir.getFileName() + "-down.log"), List.of("down", dir.toString()));
    }

    private static String script(Path log, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).directory(RunFixture.ROOT.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("stack.sh " + args + " did not end within 5 minutes:\n" + RunFixture.read(log));
            }
            String out = RunFixture.read(log);
            assertThat(p.exitValue()).as("stack.sh %s exit code; it printed:%n%s", args, out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The {@code export NAME=VALUE} lines of {@code secrets.env}. */
    private static Map<String, String> readSecrets(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.startsWith("export ")) {
                    l = l.substring(7);
                }
                int eq = l.indexOf('=');
                if (eq > 0 && !l.startsWith("#")) {
                    String v = l.substring(eq + 1);
                    if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
                        v = v.substring(1, v.length() - 1);
                    }
                    env.put(l.substring(0, eq), v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }
}
