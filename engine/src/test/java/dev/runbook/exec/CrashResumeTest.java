package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventType;
import dev.runbook.journal.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance: a run killed with SIGKILL at any point, then resumed (or rolled back) by another process, ends as if
 * it had not been killed: every step runs exactly once and in order, no compensation runs twice, the journal reads
 * back, and it records the resumption.
 *
 * <p>Each run is a JVM of its own ({@code runbook exec} as an operator starts it); the test watches its journal
 * (every 10 ms) and kills it with SIGKILL at the chosen event. The crash kills the runner and the commands it
 * started, as a crash of the machine or container does ({@link #crash}); {@link
 * #sigkillOfTheRunnerAloneMidStepDoesNotRunTheStepTwice} kills the runner JVM alone, as {@code kill -9 PID} does.
 */
class CrashResumeTest {

    static final int STEPS = 10;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Runner JVMs at once: they mostly sleep in their steps. */
    static final int PARALLEL = 3;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ the tests

    /** For every step boundary k = 1..9: kill right after the journal shows step.finished of step k, resume. */
    @Test
    void killAfterEveryStepThenResume() throws Exception {
        inParallel(IntStream.rangeClosed(1, STEPS - 1).mapToObj(k -> (Scenario) () -> {
            Path dir = tmp.resolve("after-s" + k);
            Steps run = Steps.start(dir, true);
            run.waitForEvent(e -> isEvent(e, EventType.STEP_FINISHED, "s" + k));
            run.crash();
            RunHistory killed = run.history();
            assertThat(killed.finished()).as("killed after s%d: no run.finished", k).isNull();
            List<String> done = new ArrayList<>(killed.results().keySet());
            // the kill lands within a few ms of s{k}'s step.finished, long before s{k+1}'s 200 ms are over
            assertThat(done).as("steps finished when killed after s%d", k).isEqualTo(ids(k));
            assertThat(run.log()).as("the log when killed after s%d", k).isEqualTo(ids(k));
            run.resumeAndCheck();
        }).toList());
    }

    /** Kill while step 5's command runs (after its step.started, before its step.finished), resume. */
    @Test
    void killInTheMiddleOfAStepThenResume() throws Exception {
        Steps run = Steps.start(tmp.resolve("mid-s5"), true);
        run.waitForEvent(e -> isEvent(e, EventType.STEP_STARTED, "s5"));
        run.waitForCommand("echo s5");
        run.crash();
        RunHistory killed = run.history();
        assertThat(killed.results().keySet()).containsExactlyElementsOf(ids(4));
        assertThat(killed.events()).anyMatch(e -> isEvent(e, EventType.STEP_STARTED, "s5"));
        assertThat(run.log()).as("the log after a kill in the middle of s5").isEqualTo(ids(4));
        run.resumeAndCheck();
    }

    /**
     * Kill during the rollback of a failing run, right after its first rollback action is journaled; then
     * {@code runbook rollback RUN_ID} (and, in another run, {@code runbook resume RUN_ID}) finishes the rollback:
     * the compensation already done does not run again, the others run once each, in reverse order.
     */
    @Test
    void killDuringTheRollbackThenFinishIt() throws Exception {
        inParallel(List.of(() -> rollbackScenario("rollback"), () -> rollbackScenario("resume")));
    }

    /**
     * {@code kill -9} of the runner JVM alone (not of the commands it started) in the middle of a step. The step's
     * {@code /bin/sh} is not the JVM: it lives on, finishes the step (appends "s5") with no one to journal it, and
     * {@code resume} then runs s5 again. The right behaviour: a step runs exactly once, also here (for example:
     * the runner's commands die with it, or resume does not re-run a step whose command may still be running or
     * may have completed without telling it).
     */
    @Test
    void sigkillOfTheRunnerAloneMidStepDoesNotRunTheStepTwice() throws Exception {
        Steps run = Steps.start(tmp.resolve("jvm-only"), true);
        run.waitForEvent(e -> isEvent(e, EventType.STEP_STARTED, "s5"));
        run.waitForCommand("echo s5");
        run.crashRunnerOnly();
        Thread.sleep(600); // whatever the runner's commands still do, they have done it by now
        run.resumeAndCheck();
    }

    // ------------------------------------------------------------------ scenarios

    private void rollbackScenario(String command) throws Exception {
        Path dir = tmp.resolve("rollback-" + command);
        Steps run = Steps.start(dir, false);
        run.waitForEvent(e -> e.type().equals(EventType.ROLLBACK_ACTION));
        run.crash();
        RunHistory killed = run.history();
        assertThat(killed.finished()).isNull();
        assertThat(killed.rollingBack()).isTrue();
        assertThat(killed.rollback()).as("compensations done when killed").containsOnlyKeys("r4#1");
        assertThat(run.undoLog()).as("compensations that ran when killed").containsExactly("u4");

        Proc p = run.runbook(command, run.runId(), "--state-dir", run.state.toString());
        assertThat(p.code).as("exit code of %s (1: rolled back)%n%s", command, p.output).isEqualTo(1);
        assertThat(run.log()).as("steps (none runs again)").containsExactly("r1", "r2", "r3", "r4");
        assertThat(run.undoLog()).as("compensations, each once, in reverse order").containsExactly("u4", "u3", "u2", "u1");
        RunHistory h = run.history();
        assertThat(h.status()).isEqualTo("rolled_back");
        assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.RUN_RESUMED)).singleElement()
                .satisfies(e -> assertThat(e.get("rollback")).isEqualTo(true));
        assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.ROLLBACK_ACTION))
                .extracting(e -> e.step() + "#" + e.get("action") + ":" + e.get("status"))
                .containsExactly("r4#1:ok", "r3#1:ok", "r2#1:ok", "r1#1:ok");
        assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.STEP_STARTED)).hasSize(4);
        run.assertJournalLines();
    }

    // ------------------------------------------------------------------ a run of the test runbooks

    /** A run of the ten-step runbook ({@code steps}) or of the failing one with compensations. */
    static final class Steps {
        final Path dir;
        final Path state;
        final Path log;
        final Path undoLog;
        final Path file;
        Process runner;

        private Steps(Path dir, boolean tenSteps) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.state = dir.resolve("state");
            this.log = dir.resolve("log");
            this.undoLog = dir.resolve("undo-log");
            this.file = dir.resolve(tenSteps ? "ten.yml" : "undo.yml");
            Files.writeString(file, tenSteps ? tenSteps() : failingWithCompensations());
        }

        /** Writes the runbook and starts {@code runbook exec} in a JVM of its own. */
        static Steps start(Path dir, boolean tenSteps) throws IOException {
            Steps s = new Steps(dir, tenSteps);
            s.runner = s.jvm("exec", s.file.toString(), "--state-dir", s.state.toString(), "--set", "log=" + s.log,
                    "--set", "ulog=" + s.undoLog).redirectOutput(dir.resolve("exec.out").toFile())
                    .redirectErrorStream(true).start();
            return s;
        }

        static String tenSteps() {
            StringBuilder sb = new StringBuilder("""
                    runbook: ten
                    version: 1
                    params:
                      log:  { type: string, required: true }
                      ulog: { type: string, default: "" }
                    steps:
                    """);
            for (int i = 1; i <= STEPS; i++) {
                // the sleep comes first: a step killed mid-way leaves no line
                sb.append("  - id: s").append(i).append('\n')
                        .append("    run: \"sleep 0.2 && echo s").append(i).append(" >> ${params.log}\"\n");
            }
            return sb.toString();
        }

        static String failingWithCompensations() {
            StringBuilder sb = new StringBuilder("""
                    runbook: undo
                    version: 1
                    params:
                      log:  { type: string, required: true }
                      ulog: { type: string, required: true }
                    steps:
                    """);
            for (int i = 1; i <= 4; i++) {
                sb.append("  - id: r").append(i).append('\n')
                        .append("    run: \"echo r").append(i).append(" >> ${params.log}")
                        .append(i == 4 ? "; exit 1" : "").append("\"\n")
                        .append("    rollback:\n")
                        .append("      - run: \"sleep 0.2 && echo u").append(i).append(" >> ${params.ulog}\"\n");
            }
            return sb.toString();
        }

        ProcessBuilder jvm(String... args) {
            List<String> cmd = new ArrayList<>(List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                    System.getProperty("java.class.path"), "dev.runbook.cli.Main"));
            cmd.addAll(List.of(args));
            return new ProcessBuilder(cmd).directory(dir.toFile());
        }

        /** Runs a {@code runbook} command to its end in another JVM. */
        Proc runbook(String... args) throws IOException, InterruptedException {
            Path out = dir.resolve(args[0] + ".out");
            Process p = jvm(args).redirectOutput(out.toFile()).redirectErrorStream(true).start();
            try {
                assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("runbook %s finished", args[0]).isTrue();
            } finally {
                p.destroyForcibly();
            }
            return new Proc(p.exitValue(), Files.readString(out));
        }

        /** The run's id: the one directory under {@code state/runs}. */
        String runId() throws IOException {
            try (Stream<Path> s = Files.list(state.resolve("runs"))) {
                List<String> ids = s.map(p -> p.getFileName().toString()).toList();
                assertThat(ids).as("runs in %s", state).hasSize(1);
                return ids.get(0);
            }
        }

        Path journal() throws IOException {
            return state.resolve("runs").resolve(runId()).resolve(Journal.FILE);
        }

        RunHistory history() throws IOException {
            return RunHistory.read(journal());
        }

        /** Polls the journal every 10 ms until an event matches; fails if the runner ends first. */
        void waitForEvent(Predicate<Event> what) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (journalEvents().stream().anyMatch(what)) {
                    return;
                }
                if (!runner.isAlive()) {
                    throw new AssertionError("the runner ended (exit " + runner.exitValue() + ") before the event;"
                            + " its output:\n" + Files.readString(dir.resolve("exec.out")));
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no such event within " + WAIT + " in " + dir);
        }

        /** Waits until the runner has started the command that contains {@code text}. */
        void waitForCommand(String text) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                if (runner.descendants().anyMatch(h -> h.info().commandLine().orElse("").contains(text))) {
                    return;
                }
                Thread.sleep(5);
            }
            throw new AssertionError("the runner never ran '" + text + "'");
        }

        /** The events of the journal as it is now (lines that do not parse, such as one being written, left out). */
        List<Event> journalEvents() {
            Path runs = state.resolve("runs");
            if (!Files.isDirectory(runs)) {
                return List.of();
            }
            List<Event> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(runs)) {
                for (Path d : s.toList()) {
                    Path j = d.resolve(Journal.FILE);
                    if (!Files.exists(j)) {
                        continue;
                    }
                    for (String line : lenient(j).split("\n")) {
                        try {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> m = JSON.readValue(line, Map.class);
                            out.add(Event.fromMap(m));
                        } catch (RuntimeException e) {
                            // being written right now
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        /**
         * A crash: SIGKILL to the runner JVM, then to the commands it was running (a crash of the machine or
         * container takes both; a command left running would finish its step behind the journal's back).
         */
        void crash() throws Exception {
            List<ProcessHandle> commands = runner.descendants().toList();
            crashRunnerOnly();
            commands.forEach(ProcessHandle::destroyForcibly);
            // a command started between the snapshot and the kill: its command line names this scenario's files
            String mine = dir.toString() + java.io.File.separator;
            ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(mine)
                            && h.pid() != ProcessHandle.current().pid())
                    .forEach(ProcessHandle::destroyForcibly);
            Thread.sleep(300); // longer than a step's sleep: a command that survived would have written its line
        }

        /** SIGKILL to the runner JVM only. */
        void crashRunnerOnly() throws InterruptedException {
            runner.destroyForcibly();
            assertThat(runner.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(runner.exitValue()).as("128 + 9: the runner died of SIGKILL").isEqualTo(137);
        }

        /** Resumes in another JVM, then checks that the run ended as if it had not been killed. */
        void resumeAndCheck() throws Exception {
            String runId = runId();
            Proc p = runbook("resume", runId, "--state-dir", state.toString());
            assertThat(p.code).as("exit code of resume%n%s", p.output).isZero();
            assertThat(log()).as("each step's line, exactly once, in order").isEqualTo(ids(STEPS));
            RunHistory h = history();
            assertThat(h.status()).isEqualTo("succeeded");
            assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.RUN_RESUMED)).hasSize(1);
            assertThat(h.results().keySet()).containsExactlyElementsOf(ids(STEPS));
            assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.STEP_FINISHED))
                    .as("one step.finished per step").extracting(Event::step).containsExactlyElementsOf(ids(STEPS));
            assertThat(h.events()).filteredOn(e -> e.type().equals(EventType.STEP_FINISHED))
                    .allSatisfy(e -> assertThat(e.text("status")).isEqualTo("ok"));
            assertThat(h.tornLines()).isLessThanOrEqualTo(1);
            assertJournalLines();
        }

        /** Every journal line but at most one (torn by the kill) is JSON; seq increases. */
        void assertJournalLines() throws IOException {
            List<String> lines = List.of(lenient(journal()).split("\n"));
            List<String> bad = new ArrayList<>();
            for (String line : lines) {
                try {
                    JsonNode n = JSON.readTree(line);
                    assertThat(n.isObject()).isTrue();
                } catch (RuntimeException e) {
                    bad.add(line);
                }
            }
            assertThat(bad).as("journal lines that are not JSON").hasSizeLessThanOrEqualTo(1);
            long seq = 0;
            for (Event e : history().events()) {
                assertThat(e.seq()).as("seq after %d", seq).isGreaterThan(seq);
                seq = e.seq();
            }
        }

        List<String> log() throws IOException {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        }

        List<String> undoLog() throws IOException {
            return Files.exists(undoLog) ? Files.readAllLines(undoLog) : List.of();
        }
    }

    record Proc(int code, String output) {
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    interface Scenario {
        void run() throws Exception;
    }

    /** Runs the scenarios a few at a time; fails with every failure, not only the first. */
    static void inParallel(List<Scenario> scenarios) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Scenario s : scenarios) {
                futures.add(pool.submit(() -> {
                    s.run();
                    return null;
                }));
            }
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            for (Future<?> f : futures) {
                try {
                    f.get(3, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause().toString());
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.add("timed out");
                }
            }
            assertThat(failures).as("scenarios that failed").isEmpty();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    static boolean isEvent(Event e, String type, String step) {
        return e.type().equals(type) && step.equals(e.step());
    }

    static List<String> ids(int upTo) {
        return IntStream.rangeClosed(1, upTo).mapToObj(i -> "s" + i).collect(Collectors.toList());
    }

    static String lenient(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
