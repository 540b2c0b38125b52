package dev.runbook.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.cli.Main;
import dev.runbook.diag.SourceLocation;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.expr.ShellQuote;
import dev.runbook.model.Text;
import dev.runbook.plan.Plan;
import dev.runbook.plan.PlanJson;
import dev.runbook.plan.PlanMarkdown;
import dev.runbook.plan.PlanText;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A secret param, and every text made from it, never leaves the engine: the plan in all three formats, and error
 * messages, show {@code ***} where the secret was. Each secret is distinctive ("Pa55word"), so the test also
 * catches partial leaks: a transformed (upper-cased) or truncated secret.
 */
class SecretMaskingTest {

    private static final String SECRET = "s3cr3t-Pa55word!";
    /** A secret whose shell-quoted form does not contain the raw value. */
    private static final String QUOTED_SECRET = "s3cr3t-Pa55'word!";
    private static final String MARK = "pa55";

    private static final String RUNBOOK = """
            runbook: secret-demo
            version: 1
            params:
              db_url: { type: string, secret: true, env: DATABASE_URL, description: the database }
              app: { type: string, default: web }
              pin: { type: integer, secret: true }
            targets:
              db: { ssh: "postgres@${params.app}-db" }
            facts:
              token: { shell: "cat /etc/app/token", secret: true }
              health: { http: { url: "https://example.com/health?c=${params.db_url}" } }
            preconditions:
              - that: "params.db_url != '' && len(params.db_url) > 3"
                message: a database is needed
            rollback_on:
              - name: db unreachable
                when: "facts.health.status != 200 && params.db_url != 'x'"
            steps:
              - id: backup
                run: "pg_dump ${params.db_url} > /tmp/${params.app}.sql"
                outputs:
                  conn: "${params.db_url}"
                  derived: "${params.db_url + '/extra'}"
                  shouting: "${upper(params.db_url)}"
              - id: guarded
                when: "params.db_url != 'nothing' && contains(params.db_url, 's3')"
                run: "psql ${params.db_url + '/extra'} -c 'select 1' && echo ${upper(params.db_url)}"
                rollback:
                  - run: "echo undo ${params.db_url}"
                    when: previous.failed
              - id: ping
                http: "https://example.com/check?db=${params.db_url}&app=${params.app}"
              - id: remote
                on: db
                run: "psql ${params.db_url} -c 'select 1'"
              - id: authed
                run: "curl -H 'Authorization: ${facts.token}' https://example.com"
              - id: tell
                notify: { webhook: "https://hooks.example.com/${params.db_url}", message: "db is ${params.db_url}" }
            success:
              - name: still reachable
                that: "facts.health.status == 200 && params.db_url != ''"
            """;

    @TempDir
    Path dir;

    record Cli(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Cli(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static void assertNoSecret(String text, String secret) {
        assertThat(text).doesNotContain(secret);
        assertThat(text).doesNotContain(ShellQuote.quote(secret));
        assertThat(text.toLowerCase(Locale.ROOT)).as("no part of the secret, in any case").doesNotContain(MARK);
    }

    static Stream<Arguments> formatsAndSecrets() {
        List<Arguments> out = new ArrayList<>();
        for (String format : List.of("text", "json", "markdown")) {
            for (String secret : List.of(SECRET, QUOTED_SECRET)) {
                out.add(Arguments.of(format, secret));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "--format {0} with {1}")
    @MethodSource("formatsAndSecrets")
    void thePlanGivenTheSecretWithSetNeverShowsIt(String format, String secret) throws IOException {
        Path file = write("secret.yml", RUNBOOK);

        Cli r = cli("plan", file.toString(), "--offline", "--set", "db_url=" + secret, "--format", format);

        assertThat(r.exit()).as(r.err()).isZero();
        assertNoSecret(r.all(), secret);
        assertThat(r.out()).contains("***");
        // and the plan still says the rest: the param is there, its source is --set, the commands are rendered
        assertThat(r.out()).contains("db_url").contains("--set").contains("pg_dump ***").contains("/tmp/web.sql");
    }

    @ParameterizedTest(name = "--format {0} with {1}")
    @MethodSource("formatsAndSecrets")
    void thePlanGivenTheSecretThroughItsEnvironmentVariableNeverShowsIt(String format, String secret) throws IOException {
        Path file = write("secret.yml", RUNBOOK);
        var inputs = new ParamBinder.Inputs(List.of(), Map.of(), Map.of("DATABASE_URL", secret));

        Plan plan = Runbooks.plan(Runbooks.require(file), inputs, true);
        String text = switch (format) {
            case "text" -> PlanText.render(plan);
            case "json" -> PlanJson.render(plan);
            default -> PlanMarkdown.render(plan);
        };

        assertThat(plan.params()).filteredOn(p -> p.name().equals("db_url")).singleElement()
                .satisfies(p -> {
                    assertThat(p.value()).isEqualTo("***");
                    assertThat(p.source()).isEqualTo("env DATABASE_URL");
                    assertThat(p.secret()).isTrue();
                });
        assertNoSecret(text, secret);
        assertThat(text).contains("***");
    }

    @Test
    void everyTextOfThePlanThatReadsTheSecretIsMasked() throws IOException {
        Path file = write("secret.yml", RUNBOOK);
        var inputs = new ParamBinder.Inputs(List.of(), Map.of("db_url", SECRET), Map.of());

        Plan plan = Runbooks.plan(Runbooks.require(file), inputs, true);

        Plan.Step backup = step(plan, "backup");
        assertThat(backup.actions()).containsExactly("run: pg_dump *** > /tmp/web.sql");
        assertThat(backup.outputs()).containsEntry("conn", "***").containsEntry("derived", "***")
                .containsEntry("shouting", "***");
        Plan.Step guarded = step(plan, "guarded");
        assertThat(guarded.guard().status()).isEqualTo("holds");
        assertThat(guarded.actions()).singleElement().asString().contains("psql ***").contains("echo ***");
        assertThat(guarded.rollback()).singleElement().satisfies(a -> assertThat(a.action()).isEqualTo("run: echo undo ***"));
        assertThat(step(plan, "ping").actions()).singleElement().asString()
                .contains("https://example.com/check?db=***&app=web");
        assertThat(step(plan, "tell").actions()).singleElement().asString()
                .contains("https://hooks.example.com/***").contains("db is ***");
        assertThat(plan.preconditions()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo("holds"));
    }

    @Test
    void aSecretFactIsNeverShownInThePlan() throws IOException {
        Path file = write("secret.yml", RUNBOOK);
        var inputs = new ParamBinder.Inputs(List.of(), Map.of("db_url", SECRET), Map.of());

        Plan plan = Runbooks.plan(Runbooks.require(file), inputs, true);

        // offline there is no value: the plan shows which value the run will use, never a value
        assertThat(step(plan, "authed").actions()).singleElement().asString()
                .isEqualTo("run: curl -H 'Authorization: «facts.token»' https://example.com")
                .doesNotContain("cat /etc/app/token");
    }

    @Test
    void aSecretFactReadInATemplateIsMasked() {
        Map<String, Object> roots = Map.of("facts", Map.of("token", SECRET, "plain", "visible"),
                "params", Map.of());
        Set<List<String>> secrets = Set.of(List.of("facts", "token"));
        SourceLocation at = new SourceLocation(Path.of("secret.yml"), 3, 5);

        String text = Expressions.template(new Text("Bearer ${facts.token}, ${upper(facts.token)}, ${facts.plain}", at))
                .render(roots, RenderOptions.plain(secrets));
        String shell = Expressions.template(new Text("curl -H ${'Authorization: ' + facts.token} x", at))
                .render(roots, new RenderOptions(true, Set.of(), secrets, true));

        assertThat(text).isEqualTo("Bearer ***, ***, visible");
        assertThat(shell).isEqualTo("curl -H *** x");
    }

    @Test
    void theRealCommandIsBuiltWithTheSecretOnlyWhenMaskingIsOff() {
        Map<String, Object> roots = Map.of("params", Map.of("db_url", SECRET));
        Set<List<String>> secrets = Set.of(List.of("params", "db_url"));
        var template = Expressions.template(new Text("pg_dump ${params.db_url}", new SourceLocation(Path.of("s.yml"), 1, 1)));

        assertThat(template.render(roots, new RenderOptions(true, Set.of(), secrets, false)))
                .isEqualTo("pg_dump " + ShellQuote.quote(SECRET));
        assertThat(template.render(roots, new RenderOptions(true, Set.of(), secrets, true))).isEqualTo("pg_dump ***");
    }

    @Test
    void aLongSecretInAGuardThatIsNotTrueOrFalseIsNotShownInTheError() throws IOException {
        // Values.show() cuts a string at 80 characters before the "not true or false" message is built, so the
        // Masker, which looks for the whole value, no longer finds it.
        String longSecret = SECRET + "-" + "x".repeat(90);
        Path file = write("guard.yml", """
                runbook: guard-demo
                version: 1
                params:
                  db_url: { type: string, secret: true }
                steps:
                  - id: a
                    when: "params.db_url"
                    run: "echo ${params.db_url}"
                """);

        for (String format : List.of("text", "json", "markdown")) {
            Cli r = cli("plan", file.toString(), "--offline", "--set", "db_url=" + longSecret, "--format", format);

            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("not true or false");
            assertNoSecret(r.all(), longSecret);
        }
    }

    @Test
    void aShortSecretInAGuardThatIsNotTrueOrFalseIsNotShownInTheError() throws IOException {
        Path file = write("guard.yml", """
                runbook: guard-demo
                version: 1
                params:
                  db_url: { type: string, secret: true }
                steps:
                  - id: a
                    when: "params.db_url"
                    run: "echo ${params.db_url}"
                """);

        Cli r = cli("plan", file.toString(), "--offline", "--set", "db_url=" + SECRET);

        assertThat(r.out()).contains("gave ***, not true or false");
        assertNoSecret(r.all(), SECRET);
    }

    @Test
    void aSecretOfTheWrongTypeIsNotEchoedInTheError() throws IOException {
        Path file = write("secret.yml", RUNBOOK);

        Cli r = cli("plan", file.toString(), "--offline", "--set", "db_url=x", "--set", "pin=" + SECRET);

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("pin").contains("integer");
        assertNoSecret(r.all(), SECRET);
    }

    @Test
    void aSecretOfTheWrongTypeFromAVarsFileIsNotEchoedInTheError() throws IOException {
        Path file = write("secret.yml", RUNBOOK);
        Path vars = write("vars.yml", "pin: \"" + SECRET + "\"\n");

        Cli r = cli("plan", file.toString(), "--offline", "--vars", vars.toString());

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("pin").contains("integer");
        assertNoSecret(r.all(), SECRET);
    }

    @Test
    void aSecretNotInTheAllowedListIsNotEchoedInTheError() throws IOException {
        Path file = write("allowed.yml", """
                runbook: allowed-demo
                version: 1
                params:
                  key: { type: string, secret: true, allowed: [alpha, beta] }
                steps:
                  - id: a
                    run: "echo ${params.key}"
                """);

        Cli r = cli("plan", file.toString(), "--offline", "--set", "key=" + SECRET);

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("key").contains("must be one of");
        assertNoSecret(r.all(), SECRET);
    }

    @Test
    void aMistypedSecretNameDoesNotEchoTheValue() throws IOException {
        Path file = write("secret.yml", RUNBOOK);

        Cli r = cli("plan", file.toString(), "--offline", "--set", "db_ulr=" + SECRET);

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("db_ulr");
        assertNoSecret(r.all(), SECRET);
    }

    // ---------------------------------------------------------------- Masker

    @Test
    void theMaskerReplacesTheSecretAndItsShellQuotedForm() {
        Masker m = new Masker(List.of(QUOTED_SECRET));

        assertThat(m.mask("x " + QUOTED_SECRET + " y")).isEqualTo("x *** y");
        assertThat(m.mask("psql " + ShellQuote.quote(QUOTED_SECRET) + "/db")).isEqualTo("psql ***/db");
        assertThat(m.mask("nothing here")).isEqualTo("nothing here");
        assertThat(m.mask(null)).isNull();
    }

    @Test
    void theMaskerMasksEveryOccurrenceOfEverySecret() {
        Masker m = new Masker(List.of("alpha-key", "beta-key"));

        assertThat(m.mask("alpha-key beta-key alpha-key")).isEqualTo("*** *** ***");
    }

    @Test
    void theMaskerSkipsSecretsTooShortToSearchFor() {
        Masker m = new Masker(List.of("ab"));

        assertThat(m.mask("abc ab")).isEqualTo("abc ab");
        assertThat(Masker.none().mask(SECRET)).isEqualTo(SECRET);
    }

    private static Plan.Step step(Plan plan, String id) {
        return plan.steps().stream().filter(s -> id.equals(s.id())).findFirst().orElseThrow();
    }
}
