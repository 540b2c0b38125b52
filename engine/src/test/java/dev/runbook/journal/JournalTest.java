package dev.runbook.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.cli.Main;
import dev.runbook.diag.RunbookException;
import dev.runbook.exec.RunHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journal after a crash in the middle of writing an event: the torn last line is dropped when the run is read
 * back, and a resumed run starts its events on a line of their own, so that every other line stays one event.
 */
class JournalTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    Path runbook;
    Path log;
    Path state;

    @BeforeEach
    void writeRunbook() throws IOException {
        log = tmp.resolve("log");
        state = tmp.resolve("state");
        runbook = tmp.resolve("three.yml");
        Files.writeString(runbook, """
                runbook: three
                version: 1
                params:
                  log: { type: string, required: true }
                steps:
                  - id: s1
                    run: "echo 'héllo → wörld' && echo s1 >> ${params.log}"
                  - id: s2
                    run: "echo 'ünïcödé ✓' && echo s2 >> ${params.log}"
                  - id: s3
                    run: "echo s3 >> ${params.log}"
                """);
    }

    @Test
    void tornLastLineIsDroppedAndAResumedRunAppendsCleanlyAfterIt() throws Exception {
        String runId = completedRun();
        Path journal = journalOf(runId);
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int s1Finished = indexOf(lines, "step.finished", "s1");
        String next = lines.get(s1Finished + 1); // step.started of s2: the write a crash cut short
        assertThat(next).contains("\"step.started\"").contains("\"s2\"");
        writeTorn(journal, lines.subList(0, s1Finished + 1), next.substring(0, next.length() / 2)
                .getBytes(StandardCharsets.UTF_8));

        RunHistory h = RunHistory.read(journal);
        assertThat(h.tornLines()).isEqualTo(1);
        assertThat(h.results().keySet()).containsExactly("s1");
        assertThat(h.finished()).isNull();
        assertThat(h.isFinal()).isFalse();
        assertThat(h.lastSeq()).isEqualTo(JSON.readTree(lines.get(s1Finished)).path("seq").asLong());

        resumeAndCheck(runId, journal, s1Finished + 1, h.lastSeq(), List.of("s2", "s3"));
    }

    /**
     * A crash can cut a line anywhere, also inside a multi-byte UTF-8 character (the journal writes step output
     * as UTF-8, unescaped). Reading the journal back must still drop that one line, not fail on the bytes.
     */
    @Test
    void tornInsideAMultiByteCharacterIsDroppedToo() throws Exception {
        String runId = completedRun();
        Path journal = journalOf(runId);
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int s2Finished = indexOf(lines, "step.finished", "s2");
        byte[] line = lines.get(s2Finished).getBytes(StandardCharsets.UTF_8);
        int check = indexOf(line, "✓".getBytes(StandardCharsets.UTF_8)); // 3 bytes: keep the first one only
        assertThat(check).isPositive();
        writeTorn(journal, lines.subList(0, s2Finished), Arrays.copyOf(line, check + 1));

        RunHistory h = RunHistory.read(journal);
        assertThat(h.tornLines()).isEqualTo(1);
        assertThat(h.results().keySet()).containsExactly("s1");
        assertThat(h.finished()).isNull();

        // s2 ran (its line is in the log) but the journal never recorded it: at least once, so it runs again
        resumeAndCheck(runId, journal, s2Finished, h.lastSeq(), List.of("s2", "s3"));
    }

    @Test
    void aRunTornTwiceStillReads() throws Exception {
        String runId = completedRun();
        Path journal = journalOf(runId);
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int s1Finished = indexOf(lines, "step.finished", "s1");
        String next = lines.get(s1Finished + 1);
        writeTorn(journal, lines.subList(0, s1Finished + 1), next.substring(0, 10).getBytes(StandardCharsets.UTF_8));
        Files.writeString(log, "");
        // the first resume is torn again, right after its run.resumed
        assertThat(main("resume", runId, "--state-dir", state.toString())).isZero();
        List<String> after = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int resumed = indexOf(after, "run.resumed", null);
        String started = after.get(resumed + 1);
        writeTorn(journal, after.subList(0, resumed + 1), started.substring(0, started.length() - 3)
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(log, "");

        RunHistory h = RunHistory.read(journal);
        assertThat(h.tornLines()).isEqualTo(2);
        assertThat(h.results().keySet()).containsExactly("s1");
        assertThat(main("resume", runId, "--state-dir", state.toString())).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("s2", "s3");
        RunHistory done = RunHistory.read(journal);
        assertThat(done.tornLines()).isEqualTo(2);
        assertThat(done.status()).isEqualTo("succeeded");
        assertSeqIncreases(done);
    }

    @Test
    void aJournalTornInItsFirstEventSaysSo() throws Exception {
        String runId = completedRun();
        Path journal = journalOf(runId);
        String first = Files.readAllLines(journal, StandardCharsets.UTF_8).get(0);
        writeTorn(journal, List.of(), first.substring(0, 20).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> RunHistory.read(journal)).isInstanceOf(RunbookException.class)
                .hasMessageContaining("run.started");
    }

    // ------------------------------------------------------------------ helpers

    /** Resumes the run, then checks the journal line by line and the steps that ran. */
    private void resumeAndCheck(String runId, Path journal, int tornIndex, long lastSeq, List<String> ran)
            throws IOException {
        Files.writeString(log, "");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"resume", runId, "--state-dir", state.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllLines(log)).containsExactlyElementsOf(ran);

        String text = lenient(journal);
        List<String> lines = text.lines().toList();
        List<Integer> unparsable = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                JSON.readTree(lines.get(i));
            } catch (RuntimeException e) {
                unparsable.add(i);
            }
        }
        assertThat(unparsable).as("lines that are not JSON").containsExactly(tornIndex);
        JsonNode resumed = JSON.readTree(lines.get(tornIndex + 1));
        assertThat(resumed.path("type").asString()).isEqualTo("run.resumed");
        assertThat(resumed.path("seq").asLong()).isEqualTo(lastSeq + 1);
        assertThat(text).endsWith("}\n");

        RunHistory h = RunHistory.read(journal);
        assertThat(h.tornLines()).isEqualTo(1);
        assertThat(h.status()).isEqualTo("succeeded");
        assertThat(h.results().keySet()).containsExactly("s1", "s2", "s3");
        assertSeqIncreases(h);
    }

    /** The journal's text, a torn character shown as U+FFFD (a strict decoder would refuse the file). */
    private static String lenient(Path journal) throws IOException {
        return new String(Files.readAllBytes(journal), StandardCharsets.UTF_8);
    }

    private static void assertSeqIncreases(RunHistory h) {
        long seq = 0;
        for (Event e : h.events()) {
            assertThat(e.seq()).as("seq after %d", seq).isGreaterThan(seq);
            seq = e.seq();
        }
    }

    /** Runs the runbook to its end; returns its run id. */
    private String completedRun() throws IOException {
        assertThat(main("exec", runbook.toString(), "--state-dir", state.toString(), "--set", "log=" + log)).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("s1", "s2", "s3");
        try (Stream<Path> s = Files.list(state.resolve("runs"))) {
            List<Path> runs = s.toList();
            assertThat(runs).hasSize(1);
            return runs.get(0).getFileName().toString();
        }
    }

    private Path journalOf(String runId) {
        return state.resolve("runs").resolve(runId).resolve(Journal.FILE);
    }

    private static int main(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }

    /** The journal as a crash leaves it: whole lines, then part of one (no newline). */
    private static void writeTorn(Path journal, List<String> whole, byte[] part) throws IOException {
        StringBuilder sb = new StringBuilder();
        whole.forEach(l -> sb.append(l).append('\n'));
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + part.length);
        System.arraycopy(part, 0, all, head.length, part.length);
        Files.write(journal, all);
    }

    private static int indexOf(List<String> lines, String type, String step) {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (RuntimeException e) {
                continue;
            }
            if (n.path("type").asString().equals(type) && (step == null || n.path("step").asString().equals(step))) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " of " + step + " in " + lines);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
