package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.journal.Event;
import dev.runbook.journal.JournalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monitor window survives a crash of the runner: the resumed run continues it to its planned end. */
class MonitorResumeTest {

    @TempDir
    Path tmp;

    @Test
    void aResumedRunContinuesTheMonitorWindowWhereItLeftOff() throws Exception {
        Path rb = tmp.resolve("watch.yml");
        Files.writeString(rb, """
                runbook: watch
                version: 1
                steps:
                  - id: deploy
                    run: "true"
                  - id: watch
                    monitor: { for: 4s, every: 200ms, checks: [ { that: "true" } ] }
                """);
        Path state = tmp.resolve("state");
        Process first = runner("exec", rb.toString(), "--state-dir", state.toString());
        Path journal = waitForJournal(state);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ticks(journal) < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String runId = journal.getParent().getFileName().toString();

        Process resume = runner("resume", runId, "--state-dir", state.toString());
        assertThat(resume.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(resume.exitValue()).isZero();

        List<Event> events = JournalReader.read(journal).events();
        Event firstTick = events.stream().filter(e -> e.type().equals("monitor.tick")).findFirst().orElseThrow();
        Event finished = events.stream().filter(e -> e.type().equals("step.finished") && "watch".equals(e.step()))
                .findFirst().orElseThrow();
        Duration window = Duration.between(firstTick.time(), finished.time());
        assertThat(events).anyMatch(e -> e.type().equals("run.resumed"));
        assertThat(window).as("the window from its first tick to its end, across the crash")
                .isBetween(Duration.ofMillis(3800), Duration.ofMillis(4800));
    }

    private Process runner(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "dev.runbook.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.add("--quiet");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Path waitForJournal(Path state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Path runs = state.resolve("runs");
            if (Files.isDirectory(runs)) {
                try (Stream<Path> s = Files.list(runs)) {
                    var j = s.map(p -> p.resolve("journal.jsonl")).filter(Files::exists).findFirst();
                    if (j.isPresent()) {
                        return j.get();
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no journal appeared");
    }

    private static long ticks(Path journal) throws Exception {
        return Files.readAllLines(journal).stream().filter(l -> l.contains("\"monitor.tick\"")).count();
    }
}
