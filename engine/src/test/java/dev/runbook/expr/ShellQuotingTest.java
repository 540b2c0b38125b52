package dev.runbook.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof that an interpolated value cannot change a {@code run} command: each hostile value is rendered into
 * {@code printf '%s\n' ${params.v}} exactly as a run step's command is built (shell quoting on, secrets not
 * masked), then really executed by {@code /bin/sh -c}. printf prints its single argument back, so the output being
 * the value and a newline proves the value stayed one word, was not expanded, and ran nothing.
 */
class ShellQuotingTest {

    private static final SourceLocation AT = new SourceLocation(Path.of("deploy.yml"), 12, 10);
    private static final RenderOptions RUN = new RenderOptions(true, Set.of("compose"), Set.of(), false);

    @TempDir
    Path dir;

    @BeforeEach
    void decoy() throws IOException {
        // something for an unquoted * to expand to
        Files.writeString(dir.resolve("decoy.txt"), "decoy");
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private Result sh(String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile());
        pb.environment().put("HOME", "/home/should-not-appear");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("finished: %s", command).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out, err);
    }

    private static String render(String template, Object value) {
        Map<String, Object> params = new HashMap<>();
        params.put("v", value);
        params.put("compose", "echo hi");
        return Expressions.template(new Text(template, AT)).render(Map.of("params", params), RUN);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("semicolon", "; rm -rf / ; touch CANARY"),
                Arguments.of("command substitution", "$(touch CANARY)"),
                Arguments.of("command substitution id", "$(id)"),
                Arguments.of("backticks", "`touch CANARY`"),
                Arguments.of("backticks id", "`id`"),
                Arguments.of("single quote", "it's"),
                Arguments.of("unbalanced single quote", "'; touch CANARY; '"),
                Arguments.of("double quotes", "say \"hi\" \"; touch CANARY\""),
                Arguments.of("newline", "a\nb"),
                Arguments.of("newline command", "x\ntouch CANARY"),
                Arguments.of("and", "&& echo pwned && touch CANARY"),
                Arguments.of("or", "|| touch CANARY"),
                Arguments.of("pipe", "| cat /etc/passwd"),
                Arguments.of("redirect", "> CANARY"),
                Arguments.of("background", "& touch CANARY &"),
                Arguments.of("variable", "$HOME"),
                Arguments.of("braced variable", "${HOME}"),
                Arguments.of("glob", "*"),
                Arguments.of("glob with text", "*.txt"),
                Arguments.of("tilde", "~"),
                Arguments.of("empty", ""),
                Arguments.of("spaces only", "   "),
                Arguments.of("tab", "a\tb"),
                Arguments.of("backslash", "C:\\temp\\new"),
                Arguments.of("trailing backslash", "end\\"),
                Arguments.of("percent and dash", "-n %s %d"),
                Arguments.of("the quote escape itself", "'\"'\"'"),
                Arguments.of("many quotes", "''''\"\"\"\"''"),
                Arguments.of("history and braces", "!! {a,b} [x] #comment"),
                Arguments.of("unicode", "héllo wörld ✓ 日本"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void aHostileValueIsPrintedBackAsOneWordAndRunsNothing(String what, String value) throws Exception {
        if (!value.chars().allMatch(c -> c < 128)) {
            assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                    "process arguments are not UTF-8 in this JVM");
        }
        String command = render("printf '%s\\n' ${params.v}", value);

        Result r = sh(command);

        assertThat(r.stdout()).as("stdout of: %s", command).isEqualTo(value + "\n");
        assertThat(r.exit()).as("exit of: %s (stderr %s)", command, r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(files()).as("nothing was created").containsExactly("decoy.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void aHostileValueInTheMiddleOfACommandStaysOneWord(String what, String value) throws Exception {
        if (!value.chars().allMatch(c -> c < 128)) {
            assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                    "process arguments are not UTF-8 in this JVM");
        }
        String command = render("printf '[%s]\\n' before ${params.v} after", value);

        Result r = sh(command);

        assertThat(r.stdout()).isEqualTo("[before]\n[" + value + "]\n[after]\n");
        assertThat(files()).containsExactly("decoy.txt");
    }

    @Test
    void aListBecomesOneWordPerElement() throws Exception {
        List<String> list = List.of("a b", "$(touch CANARY)", "", "it's", "*");
        String command = render("printf '[%s]\\n' ${params.v}", list);

        Result r = sh(command);

        assertThat(r.stdout()).isEqualTo("[a b]\n[$(touch CANARY)]\n[]\n[it's]\n[*]\n");
        assertThat(files()).containsExactly("decoy.txt");
    }

    @Test
    void anEmptyListBecomesNoWord() throws Exception {
        String command = render("printf '[%s]\\n' x ${params.v}", List.of());

        assertThat(sh(command).stdout()).isEqualTo("[x]\n");
    }

    @Test
    void numbersAndBooleansAreWordsToo() throws Exception {
        assertThat(render("echo ${params.v}", 42L)).isEqualTo("echo 42");
        assertThat(render("echo ${params.v}", 2.5d)).isEqualTo("echo 2.5");
        assertThat(render("echo ${params.v}", true)).isEqualTo("echo true");
    }

    @Test
    void anExpressionOfAValueIsQuotedAsOneWordToo() throws Exception {
        String command = render("printf '%s\\n' ${params.v + ' ; touch CANARY'}", "x");

        Result r = sh(command);

        assertThat(r.stdout()).isEqualTo("x ; touch CANARY\n");
        assertThat(files()).containsExactly("decoy.txt");
    }

    @Test
    void aCommandParamWrittenExactlyIsSplicedAsWritten() throws Exception {
        String command = render("${params.compose} from-runbook", "unused");

        assertThat(command).isEqualTo("echo hi from-runbook");
        assertThat(sh(command).stdout()).isEqualTo("hi from-runbook\n");
    }

    @Test
    void aCommandParamWithSpacesInsideTheBracesIsStillExactlyTheParam() {
        assertThat(render("${ params.compose } x", "unused")).isEqualTo("echo hi x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"${params.compose + ''}", "${upper(params.compose)}", "${trim(params.compose)}",
            "${params['compose']}", "${params.compose == 'echo hi' ? params.compose : 'x'}"})
    void anyOtherExpressionOfACommandParamIsQuoted(String interpolation) throws Exception {
        String command = render(interpolation + " x", "unused");

        assertThat(command).startsWith("'").doesNotStartWith("echo hi");
        Result r = sh(command);
        assertThat(r.exit()).as("'echo hi' as one word is no command").isNotZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aNonCommandParamIsQuotedEvenWhenItLooksLikeACommand() {
        assertThat(render("${params.v} x", "echo hi")).isEqualTo("'echo hi' x");
    }

    @Test
    void aDoubleDollarWritesALiteralDollarBraceForTheShell() throws Exception {
        String command = render("printf '%s\\n' \"$${HOME}\" ${params.v}", "$HOME");

        assertThat(command).isEqualTo("printf '%s\\n' \"${HOME}\" '$HOME'");
        // the shell, not the engine, expands ${HOME}; the param's "$HOME" stays literal
        assertThat(sh(command).stdout()).isEqualTo("/home/should-not-appear\n$HOME\n");
    }

    @Test
    void withoutShellQuotingTheValueIsPlainText() {
        Map<String, Object> params = Map.of("v", "it's $(id)");
        String text = Expressions.template(new Text("value: ${params.v}", AT))
                .render(Map.of("params", params), RUN.forText());

        assertThat(text).isEqualTo("value: it's $(id)");
    }

    // ---------------------------------------------------------------- ShellQuote.quote

    @Test
    void quoteLeavesSafeWordsBare() {
        assertThat(ShellQuote.quote("v1.2.3")).isEqualTo("v1.2.3");
        assertThat(ShellQuote.quote("/srv/app/current")).isEqualTo("/srv/app/current");
        assertThat(ShellQuote.quote("deploy@web1:22")).isEqualTo("deploy@web1:22");
        assertThat(ShellQuote.quote("a=b,c+d%e")).isEqualTo("a=b,c+d%e");
    }

    @Test
    void quoteSingleQuotesEverythingElse() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuote.quote("$(id)")).isEqualTo("'$(id)'");
        assertThat(ShellQuote.quote("*")).isEqualTo("'*'");
        assertThat(ShellQuote.quote("~")).isEqualTo("'~'");
        assertThat(ShellQuote.quote("a\nb")).isEqualTo("'a\nb'");
        assertThat(ShellQuote.quote("héllo")).isEqualTo("'héllo'");
    }

    @Test
    void quoteEscapesASingleQuoteByClosingAndReopening() {
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\"'\"'s'");
        assertThat(ShellQuote.quote("'")).isEqualTo("''\"'\"''");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void quoteIsReadBackByTheShellAsTheValue(String what, String value) throws Exception {
        if (!value.chars().allMatch(c -> c < 128)) {
            assumeTrue("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
                    "process arguments are not UTF-8 in this JVM");
        }
        Result r = sh("printf '%s' " + ShellQuote.quote(value));

        assertThat(r.stdout()).isEqualTo(value);
    }
}
