package dev.runbook.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.runbook.Runbooks;
import dev.runbook.diag.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken runbooks in {@code src/test/resources/runbooks/invalid}: each fixture names every problem
 * the engine must report for it (location and message, see {@link Fixtures}), and the CLI must refuse it with
 * exit code 2 and no stack trace. Files whose bytes are the problem (huge, binary, not UTF-8, nested or aliased
 * beyond the limits) are generated here rather than committed.
 */
class InvalidRunbooksTest {

    /** A hang guard only: every one of these takes well under a second. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    static Stream<Path> fixtures() {
        return Fixtures.yamlFiles(Fixtures.INVALID);
    }

    @Test
    void theCorpusIsLargeAndEveryFixtureSaysWhatItExpects() {
        List<Path> all = fixtures().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(45);
        for (Path f : all) {
            assertThat(Fixtures.header(f).expected()).as("# expect: lines of %s", f).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsExactlyTheExpectedProblems(Path fixture) {
        Fixtures.Header header = Fixtures.header(fixture);
        List<Problem> problems = assertTimeoutPreemptively(HANG_GUARD, () -> Runbooks.load(fixture).problems());
        Fixtures.assertExactly(fixture, header.expected(), problems);
        for (String secret : header.forbidden()) {
            assertThat(problems).as("problems of %s", fixture)
                    .allSatisfy(p -> assertThat(p.format()).doesNotContain(secret));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void validateExitsTwoWithoutAStackTrace(Path fixture) {
        Fixtures.Header header = Fixtures.header(fixture);
        Fixtures.Cli run = assertTimeoutPreemptively(HANG_GUARD,
                () -> Fixtures.cli("validate", fixture.toString()));
        List<Path> others = new ArrayList<>();
        header.expected().stream().filter(e -> e.file() != null)
                .forEach(e -> others.add(fixture.getParent().resolve(e.file())));
        Fixtures.assertRefusedCleanly(fixture, run, others, header.forbidden());
    }

    // ------------------------------------------------------------------ generated files

    /** A broken file made by the test: its content, and the one problem it must give. */
    record Generated(String name, byte[] content, int line, int column, String message) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> generated() {
        String head = "runbook: t\nversion: 1\nsteps:\n  - id: a\n    run: echo hi\n";
        List<Generated> g = new ArrayList<>();
        g.add(new Generated("huge.yml", utf8(head + "description: " + "x".repeat(2 * 1024 * 1024) + "\n"), 0, 0,
                "the limit is 2097152 bytes"));
        g.add(new Generated("nul-bytes.yml", concat(utf8(head), new byte[] {0, 1, 2, 0, 'x', '\n'}), 0, 0,
                "NUL bytes"));
        g.add(new Generated("binary-junk.yml", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                0, 0x0d, (byte) 0xff, (byte) 0xfe, 0}, 0, 0, "not UTF-8"));
        g.add(new Generated("latin1.yml", concat(utf8(head), new byte[] {'#', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'}),
                0, 0, "not UTF-8"));
        g.add(new Generated("deep-lists.yml", utf8(head + "success: " + "[".repeat(10_000) + "]".repeat(10_000)
                + "\n"), 0, 0, "nested too deeply"));
        g.add(new Generated("deep-maps.yml", utf8(head + "description: " + "{a: ".repeat(10_000) + "b"
                + "}".repeat(10_000) + "\n"), 0, 0, "nested too deeply"));
        g.add(new Generated("billion-laughs.yml", utf8(head + "params:\n  x:\n    type: map\n    default:\n"
                + laughs(9, "      ")), 0, 0, "aliases"));
        String few = head + "params:\n  x:\n    type: map\n    default:\n" + laughs(5, "      ");
        // within the alias limit, but expanding past the node limit: the problem belongs to the default's value
        g.add(new Generated("million-laughs.yml", utf8(few), lineOf(few, "lol0:"), 7, "the value is too large"));
        String groups = "runbook: t\nversion: 1\nsteps:\n" + groups(17, 2);
        g.add(new Generated("groups-17-deep.yml", utf8(groups), lineOf(groups, "- id: leaf"),
                groups.lines().filter(l -> l.contains("- id: leaf")).findFirst().orElseThrow().indexOf("id: leaf") + 1,
                "groups and includes nest more than 16 deep"));
        return g.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void generatedFilesGiveOneClearProblemFast(Generated g, @TempDir Path dir) throws IOException {
        Path file = dir.resolve(g.name());
        Files.write(file, g.content());
        List<Problem> problems = assertTimeoutPreemptively(HANG_GUARD, () -> Runbooks.load(file).problems());
        assertThat(problems).as("problems of %s", g.name()).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.message()).as("the message for %s", g.name()).contains(g.message());
        assertThat(Fixtures.same(p.location().file(), file)).as("the file of %s", p.format()).isTrue();
        assertThat(p.location().line()).as("the line of %s", p.format()).isEqualTo(g.line());
        if (g.line() > 0) {
            assertThat(p.location().column()).as("the column of %s", p.format()).isEqualTo(g.column());
        }
        Fixtures.Cli run = assertTimeoutPreemptively(HANG_GUARD, () -> Fixtures.cli("validate", file.toString()));
        Fixtures.assertRefusedCleanly(file, run, List.of(), List.of());
    }

    @Test
    void sixteenNestedGroupsAreFine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("groups-16-deep.yml");
        Files.writeString(file, "runbook: t\nversion: 1\nsteps:\n" + groups(16, 2));
        assertThat(Runbooks.load(file).problems()).isEmpty();
    }

    @Test
    void includesNestedTooDeepAreOneProblemInTheDeepestFragment(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 20; i++) {
            String next = i < 19 ? "    include: chain" + (i + 1) + ".yml\n" : "    run: echo bottom\n";
            Files.writeString(dir.resolve("chain" + i + ".yml"), "fragment: chain" + i + "\nsteps:\n  - id: c" + i
                    + "\n" + next);
        }
        Path file = dir.resolve("top.yml");
        Files.writeString(file, "runbook: t\nversion: 1\nsteps:\n  - id: top\n    include: chain0.yml\n");
        List<Problem> problems = assertTimeoutPreemptively(HANG_GUARD, () -> Runbooks.load(file).problems());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).contains("nest more than 16 deep");
        assertThat(problems.get(0).location().file().getFileName().toString()).startsWith("chain");
        Fixtures.Cli run = assertTimeoutPreemptively(HANG_GUARD, () -> Fixtures.cli("validate", file.toString()));
        Fixtures.assertRefusedCleanly(file, run, List.of(problems.get(0).location().file()), List.of());
    }

    @Test
    void aMissingFileIsRefusedWithoutAStackTrace(@TempDir Path dir) {
        Path file = dir.resolve("no-such-runbook.yml");
        List<Problem> problems = Runbooks.load(file).problems();
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("no such file"));
        Fixtures.Cli run = Fixtures.cli("validate", file.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // ------------------------------------------------------------------ builders

    /** {@code depth} groups, each holding the next; the innermost holds the step {@code leaf}. */
    static String groups(int depth, int indent) {
        String p = " ".repeat(indent);
        if (depth == 0) {
            return p + "- id: leaf\n" + p + "  run: echo hi\n";
        }
        return p + "- id: g" + depth + "\n" + p + "  group:\n" + groups(depth - 1, indent + 4);
    }

    /** The "billion laughs": {@code levels} lists of nine aliases of the level before. */
    static String laughs(int levels, String indent) {
        StringBuilder out = new StringBuilder(indent + "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= levels; i++) {
            out.append(indent).append("lol").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                out.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            out.append("]\n");
        }
        return out.toString();
    }

    private static int lineOf(String text, String needle) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
