package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.runbook.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the run tests share: the CLI in this JVM or in a child JVM, and what an operator reads afterwards (the
 * journal as JSON, the files the steps wrote, whether a process still lives).
 */
public final class RunFixture {

    /** The repository root (tests run in {@code engine/}). */
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    static final JsonMapper JSON = JsonMapper.builder().build();

    private RunFixture() {
    }

    /** A shipped example runbook. */
    public static Path example(String name) {
        return ROOT.resolve("examples").resolve(name);
    }

    /** What a command printed and its exit code. */
    public record Result(int code, String out, String err) {
        /** stdout and stderr together: everything an operator sees. */
        public String console() {
            return out + err;
        }

        /** The line starting with {@code verdict:}. */
        public String verdict() {
            return out.lines().filter(l -> l.startsWith("verdict: ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no verdict line in:\n" + out + err));
        }
    }

    /** Runs {@code runbook ARGS} in this JVM. */
    public static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** Writes a runbook into {@code dir} and returns its path. */
    public static Path runbook(Path dir, String name, String yaml) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(name);
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- journals

    /** The ids of the runs in a state directory, oldest first. */
    public static List<String> runIds(Path stateDir) {
        Path runs = stateDir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id of the one run in a state directory. */
    public static String onlyRun(Path stateDir) {
        List<String> ids = runIds(stateDir);
        assertThat(ids).as("runs in " + stateDir).hasSize(1);
        return ids.get(0);
    }

    public static Path journalFile(Path stateDir, String runId) {
        return stateDir.resolve("runs").resolve(runId).resolve("journal.jsonl");
    }

    /** Every event of a run's journal, each line parsed as JSON (a line that does not parse fails the test). */
    public static List<JsonNode> journal(Path stateDir, String runId) {
        Path f = journalFile(stateDir, runId);
        List<JsonNode> out = new ArrayList<>();
        for (String line : read(f).split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** The events of these types. */
    public static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asString().equals(type)).toList();
    }

    /** The one event of this type. */
    public static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> found = ofType(events, type);
        assertThat(found).as("events of type " + type).hasSize(1);
        return found.get(0);
    }

    /** The last event. */
    public static JsonNode last(List<JsonNode> events) {
        return events.get(events.size() - 1);
    }

    /**
     * The journal as short lines an operator can compare: {@code run.started}, {@code step.started deploy},
     * {@code step.finished deploy ok}, {@code rollback.action switch#1 ok}, {@code run.finished rolled_back}, ...
     */
    public static List<String> story(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            String type = e.path("type").asString();
            StringBuilder s = new StringBuilder(type);
            if (e.has("step")) {
                s.append(' ').append(e.path("step").asString());
            }
            if (e.has("action")) {
                s.append('#').append(e.path("action").asInt());
            }
            if (e.has("status")) {
                s.append(' ').append(e.path("status").asString());
            }
            out.add(s.toString());
        }
        return out;
    }

    // ---- files

    public static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a file the steps wrote. */
    public static List<String> lines(Path f) {
        return read(f).lines().toList();
    }

    // ---- child JVMs and processes

    /** The java launcher of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code runbook ARGS} in a child JVM (the test class path, so no packaged jar is needed), in
     * {@code dir}, its stdout and stderr going to {@code dir/child.out} and {@code dir/child.err}.
     */
    public static Process spawn(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "dev.runbook.cli.Main"));
        cmd.addAll(List.of(args));
        Files.createDirectories(dir);
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("child.out").toFile())
                .redirectError(dir.resolve("child.err").toFile()).start();
    }

    /** Waits until the run's journal (the only run in {@code stateDir}) satisfies {@code ready}. */
    public static List<JsonNode> awaitJournal(Path stateDir, Process child, Duration within,
                                              Predicate<List<JsonNode>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> ids = runIds(stateDir);
            if (ids.size() == 1 && Files.isRegularFile(journalFile(stateDir, ids.get(0)))) {
                try {
                    List<JsonNode> events = journal(stateDir, ids.get(0));
                    if (ready.test(events)) {
                        return events;
                    }
                } catch (RuntimeException torn) {
                    // a line being written: read again
                }
            }
            if (child != null && !child.isAlive()) {
                fail("the child run ended (exit " + child.exitValue() + ") before its journal was ready");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the journal in " + stateDir + " did not get ready within " + within);
    }

    /** Whether some event is a {@code step.started} of {@code step}. */
    public static boolean started(List<JsonNode> events, String step) {
        return events.stream().anyMatch(e -> e.path("type").asString().equals("step.started")
                && e.path("step").asString().equals(step));
    }

    /** Sends a signal to a process, as an operator's {@code kill -SIG PID} does. */
    public static void kill(String signal, long pid) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(k.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    /**
     * Whether a process is gone: it no longer exists, or it has terminated and only waits to be reaped (a zombie;
     * in some containers PID 1 reaps orphans late, and {@link ProcessHandle#isAlive()} counts zombies as alive).
     */
    public static boolean gone(long pid) {
        if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true; // vanished between the two reads
        }
    }

    /** Waits up to {@code within} for the process to be gone; true if it is. */
    public static boolean awaitGone(long pid, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!gone(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The pid a step wrote into a file. */
    public static long pid(Path file) {
        return Long.parseLong(read(file).trim());
    }
}
