package dev.runbook.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.Main;
import dev.runbook.diag.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The fixture corpus of {@code src/test/resources/runbooks}: reading the header of a fixture, matching the
 * problems the engine reports against it, and running the CLI on a file.
 *
 * <p>An invalid fixture starts with comment lines, one per expected problem:
 * <pre>
 * # expect: LINE:COL MESSAGE-SUBSTRING
 * # expect: fragments/other.yml:LINE:COL MESSAGE-SUBSTRING   (a problem located in another file)
 * # forbid: TEXT                                             (no problem and no output line may hold TEXT)
 * </pre>
 * A valid fixture may say which params to bind with {@code # set: NAME=VALUE}.
 */
final class Fixtures {

    /** Maven runs the tests with the module directory ({@code engine/}) as the working directory. */
    static final Path RUNBOOKS = Path.of("src", "test", "resources", "runbooks");
    static final Path INVALID = RUNBOOKS.resolve("invalid");
    static final Path VALID = RUNBOOKS.resolve("valid");

    private static final Pattern EXPECT = Pattern.compile(
            "^# expect: (?:(?<file>[^\\s:]+\\.ya?ml):)?(?<line>\\d+):(?<col>\\d+) (?<text>.+)$");
    private static final Pattern FORBID = Pattern.compile("^# forbid: (?<text>.+)$");
    private static final Pattern SET = Pattern.compile("^# set: (?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$");

    private Fixtures() {
    }

    /** One expected problem: where it is (in the fixture, or in {@code file} next to it) and part of its message. */
    record Expected(String file, int line, int column, String text) {

        boolean matches(Path fixture, Problem p) {
            Path where = file == null ? fixture : fixture.getParent().resolve(file);
            return p.location().file() != null
                    && same(p.location().file(), where)
                    && p.location().line() == line
                    && p.location().column() == column
                    && p.message().contains(text);
        }

        @Override
        public String toString() {
            return (file == null ? "" : file + ":") + line + ":" + column + " ..." + text + "...";
        }
    }

    /** A fixture's header. */
    record Header(List<Expected> expected, List<String> forbidden, List<String[]> sets) {
    }

    /** The top-level {@code *.yml} files of a folder, sorted (sub-folders such as {@code fragments/} are not fixtures). */
    static Stream<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the leading comment lines of a fixture. */
    static Header header(Path fixture) {
        List<Expected> expected = new ArrayList<>();
        List<String> forbidden = new ArrayList<>();
        List<String[]> sets = new ArrayList<>();
        for (String line : lines(fixture)) {
            if (!line.startsWith("#")) {
                break;
            }
            Matcher e = EXPECT.matcher(line);
            Matcher f = FORBID.matcher(line);
            Matcher s = SET.matcher(line);
            if (e.matches()) {
                expected.add(new Expected(e.group("file"), Integer.parseInt(e.group("line")),
                        Integer.parseInt(e.group("col")), e.group("text")));
            } else if (f.matches()) {
                forbidden.add(f.group("text"));
            } else if (s.matches()) {
                sets.add(new String[] {s.group("name"), s.group("value")});
            } else if (line.startsWith("# expect") || line.startsWith("# forbid")) {
                throw new AssertionError(fixture + ": malformed header line: " + line);
            }
        }
        return new Header(expected, forbidden, sets);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code problems} are exactly the expected ones: every expectation matches a reported problem
     * of its own, and no problem is left over.
     */
    static void assertExactly(Path fixture, List<Expected> expected, List<Problem> problems) {
        List<Problem> left = new ArrayList<>(problems);
        List<Expected> missing = new ArrayList<>();
        for (Expected e : expected) {
            Problem hit = left.stream().filter(p -> e.matches(fixture, p)).findFirst().orElse(null);
            if (hit == null) {
                missing.add(e);
            } else {
                left.remove(hit);
            }
        }
        String reported = problems.stream().map(p -> "  " + p.format()).collect(Collectors.joining("\n"));
        assertThat(missing.isEmpty() && left.isEmpty())
                .withFailMessage("%s:%n expected but not reported:%n%s%n reported but not expected:%n%s%n"
                                + " everything reported (%d problems, %d expected):%n%s", fixture,
                        missing.stream().map(e -> "  " + e).collect(Collectors.joining("\n")),
                        left.stream().map(p -> "  " + p.format()).collect(Collectors.joining("\n")),
                        problems.size(), expected.size(), reported)
                .isTrue();
        assertThat(problems).as("the number of problems of %s", fixture).hasSameSizeAs(expected);
    }

    /** What one CLI invocation did. */
    record Cli(int exit, String out, String err) {

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Runs {@code runbook ARGS...} in-process. */
    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            exit = Main.run(args, o, e);
        }
        return new Cli(exit, out.toString(), err.toString());
    }

    /**
     * Asserts that {@code runbook validate FILE} refused the file the way an operator needs: exit code 2, no
     * stack trace, and every line of the error output names a file (the fixture, or one of {@code others}).
     */
    static void assertRefusedCleanly(Path file, Cli run, List<Path> others, List<String> forbidden) {
        assertThat(run.exit()).as("exit code of validate %s; stderr:%n%s", file, run.err()).isEqualTo(2);
        assertThat(run.err()).as("stderr of validate %s", file)
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("internal error");
        List<String> prefixes = new ArrayList<>();
        prefixes.add(file.toString());
        others.forEach(o -> prefixes.add(o.normalize().toString()));
        for (String line : run.errLines()) {
            assertThat(prefixes.stream().anyMatch(p -> line.startsWith(p + ":")))
                    .withFailMessage("stderr line of validate %s does not start with a file path (%s):%n%s", file,
                            prefixes, line)
                    .isTrue();
        }
        for (String secret : forbidden) {
            assertThat(run.err() + run.out()).as("output of validate %s", file).doesNotContain(secret);
        }
    }

    /** True when two paths name the same file. */
    static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
