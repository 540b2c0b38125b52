package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The command line as an operator meets it: exit codes, one-line errors, every command's help. */
class CliTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String PRODUCTION = ROOT.resolve("runbooks/production.yml").toString();
    static final String CUSTOMER = ROOT.resolve("runbooks/customers/example.yml").toString();
    static final String HELLO = ROOT.resolve("examples/hello.yml").toString();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionNamesTheLanguageVersion() {
        Result r = run("--version");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).startsWith("runbook ").contains("language version 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "plan", "explain", "exec", "init", "schema", "generate-completion"})
    void everyCommandHasHelp(String command) {
        Result r = run(command, "--help");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Usage: runbook " + command);
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        Result r = run("--help");
        assertThat(r.out()).contains("validate", "plan", "exec", "schema", "Exit codes:",
                "3  the run failed and its rollback is incomplete");
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("a command is needed");
    }

    @Test
    void unknownOptionIsOneLinePlusAHint() {
        Result r = run("validate", "--frobnicate", HELLO);
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err().lines()).hasSize(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'", "Try 'runbook validate --help'");
    }

    @Test
    void validateShippedRunbooks() throws Exception {
        Result r = run("validate", PRODUCTION, HELLO);
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("production.yml: ok", "hello.yml: ok");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void validateReportsEveryProblemOfEveryFile() throws Exception {
        Path bad = write("bad.yml", """
                runbook: bad
                version: 1
                steps:
                  - id: a
                    run: echo ${params.nope}
                  - id: a
                    shell: ls
                """);
        Result r = run("validate", HELLO, bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.out()).contains("hello.yml: ok");
        assertThat(r.err()).contains(bad + ":5:17: error: steps[0].run: no param 'nope' is declared")
                .contains(bad + ":7:5: error: steps[1].shell: unknown key 'shell' in a step")
                .contains("bad.yml: 2 problems");
    }

    @Test
    void validateJsonIsMachineReadable() throws Exception {
        Path bad = write("bad.yml", "runbook: x\nversion: 1\nsteps:\n  - id: a\n    run: echo\n    retries: many\n");
        Result r = run("validate", "--format", "json", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        JsonNode report = JsonMapper.builder().build().readTree(r.out());
        JsonNode problem = report.get(0).get("problems").get(0);
        assertThat(report.get(0).get("ok").asBoolean()).isFalse();
        assertThat(problem.get("line").asInt()).isEqualTo(6);
        assertThat(problem.get("column").asInt()).isEqualTo(14);
        assertThat(problem.get("path").asString()).isEqualTo("steps[0].retries");
        assertThat(problem.get("message").asString()).contains("whole number");
    }

    @Test
    void missingFileIsAClearError() {
        Result r = run("validate", tmp.resolve("nope.yml").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("nope.yml: error: no such file");
    }

    @Test
    void planOfProductionShowsEverySection() {
        Result r = run("plan", PRODUCTION, "--vars", CUSTOMER, "--offline");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Plan: production-deploy", "Params", "Targets", "Preconditions", "Steps",
                "Rollback triggers", "Success checks", "Summary:",
                "run: cd /srv/agent-ops && docker compose run --rm web bin/rails db:migrate",
                "rollback (if the run rolls back after this step):", "bin/rails db:rollback STEP=$n",
                "[armed after wait_healthy]");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void execDryRunIsThePlan() {
        Result plan = run("plan", PRODUCTION, "--vars", CUSTOMER, "--offline", "--format", "json");
        Result dry = run("exec", PRODUCTION, "--vars", CUSTOMER, "--offline", "--dry-run", "--format", "json");
        assertThat(dry.code()).isEqualTo(ExitCodes.OK);
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(dry.out()).get("steps")).isEqualTo(json.readTree(plan.out()).get("steps"));
    }

    @Test
    void planWithoutARequiredParamSaysWhichAndHow() throws Exception {
        Path rb = write("p.yml", """
                runbook: p
                version: 1
                params:
                  release: { type: string, required: true }
                  app_host: { type: string, required: true }
                steps:
                  - id: a
                    run: echo ${params.release} ${params.app_host}
                """);
        Result r = run("plan", rb.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err().strip()).isEqualTo("runbook: error: missing required params release, app_host: give them"
                + " with --set NAME=VALUE or in a --vars file");
    }

    @Test
    void badSetValueNamesTheParamAndType() throws Exception {
        Path rb = write("p.yml", """
                runbook: p
                version: 1
                params:
                  replicas: { type: integer, default: 2 }
                steps:
                  - id: a
                    run: echo ${params.replicas}
                """);
        Result r = run("plan", rb.toString(), "--set", "replicas=many", "--set", "nope=1");
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("param 'replicas' must be a whole number, not 'many'")
                .contains("the runbook has no param 'nope'")
                .doesNotContain("Exception");
    }

    @Test
    void planFormatsAreChecked() {
        Result r = run("plan", HELLO, "--format", "yaml");
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("--format is text, json or markdown, not yaml");
    }

    @Test
    void execRunsTheStepsAndGivesTheVerdict() {
        Result r = run("exec", HELLO, "--state-dir", tmp.toString(), "--quiet");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("greet ok", "repeat ok", "check ok", "verdict: SUCCEEDED");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void completionScriptIsBash() {
        Result r = run("generate-completion");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("complete -F", "runbook");
    }

    @Test
    void planOfAnInvalidRunbookPrintsItsProblems() throws Exception {
        Path bad = write("bad.yml", "runbook: x\nversion: 1\nsteps:\n  - id: a\n    assert: 1 +\n");
        Result r = run("plan", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).startsWith(bad + ":5:").contains("syntax error").doesNotContain("\tat ");
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
