package dev.runbook.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import dev.runbook.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps {@code schemas/events.schema.json} honest: runs runbooks that produce every kind of event (success with
 * outputs, retries, tolerated failures, guards, monitors, approval gates, triggers, rollbacks, interruption) and
 * validates every line of {@code --output json} and every line of every journal against the schema; checks that
 * the schema is strict enough to reject what it does not describe.
 */
class EventsSchemaTest {

    static final String SCHEMA_ID = "https://runbook.dev/schemas/events.schema.json";
    static final JsonMapper JSON = JsonMapper.builder().build();

    static Schema schema;
    static Path repoRoot;
    /** Every event type seen by any test of this class (the last test checks that every type was seen). */
    static final Set<String> SEEN = java.util.Collections.synchronizedSet(new TreeSet<>());

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadSchema() {
        repoRoot = findRepoRoot();
        Path schemas = repoRoot.resolve("schemas");
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                        .schemas(iri -> iri.startsWith("https://runbook.dev/schemas/")
                                ? read(schemas.resolve(iri.substring("https://runbook.dev/schemas/".length())))
                                : null));
        schema = registry.getSchema(SchemaLocation.of(SCHEMA_ID));
        Schema meta = registry.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));
        assertThat(format(meta.validate(read(schemas.resolve("events.schema.json")), InputFormat.JSON)))
                .as("events.schema.json against the 2020-12 meta-schema").isEmpty();
    }

    // ------------------------------------------------------------------ the schema itself

    @Test
    void typeEnumListsEveryEventTypeOfTheEngine() throws Exception {
        JsonNode root = JSON.readTree(read(repoRoot.resolve("schemas/events.schema.json")));
        Set<String> inSchema = new TreeSet<>();
        root.path("properties").path("type").path("enum").forEach(n -> inSchema.add(n.asString()));
        Set<String> inEngine = new TreeSet<>();
        for (var f : EventType.class.getFields()) {
            inEngine.add((String) f.get(null));
        }
        inEngine.add("monitor.tick");
        assertThat(inSchema).isEqualTo(inEngine);
        assertThat(root.path("$defs").propertyNames()).containsAll(inEngine);
    }

    @Test
    void everyPropertyAndDefHasADescription() {
        JsonNode root = JSON.readTree(read(repoRoot.resolve("schemas/events.schema.json")));
        List<String> missing = new ArrayList<>();
        root.path("properties").properties().forEach(e -> {
            if (!e.getValue().has("description")) {
                missing.add("properties." + e.getKey());
            }
        });
        root.path("$defs").properties().forEach(def -> {
            if (!def.getValue().has("description")) {
                missing.add("$defs." + def.getKey());
            }
            def.getValue().path("properties").properties().forEach(p -> {
                if (!p.getValue().has("description") && !p.getValue().has("$ref")) {
                    missing.add("$defs." + def.getKey() + ".properties." + p.getKey());
                }
            });
        });
        assertThat(missing).isEmpty();
    }

    @Test
    void schemaRejectsWhatItDoesNotDescribe() {
        String ok = "{\"seq\":5,\"time\":\"2026-11-27T18:47:06.878171825Z\",\"run\":\"20261127-184706-5851\","
                + "\"type\":\"step.finished\",\"step\":\"a\",\"status\":\"ok\",\"exit_code\":0,\"duration_ms\":90,"
                + "\"attempts\":1,\"outputs\":{\"greeting\":\"hello\"}}";
        assertThat(errors(ok)).isEmpty();
        assertThat(errors(ok.replace("\"status\":\"ok\",", ""))).as("no status").isNotEmpty();
        assertThat(errors(ok.replace("\"ok\"", "\"fine\""))).as("unknown status").isNotEmpty();
        assertThat(errors(ok.replace("\"step\":\"a\",", ""))).as("step.finished without step").isNotEmpty();
        assertThat(errors(ok.replace("\"attempts\":1", "\"attempts\":1,\"surprise\":true"))).as("unknown field")
                .isNotEmpty();
        assertThat(errors(ok.replace("\"seq\":5", "\"seq\":0"))).as("seq 0").isNotEmpty();
        assertThat(errors(ok.replace("2026-11-27T18:47:06.878171825Z", "yesterday"))).as("time").isNotEmpty();
        assertThat(errors(ok.replace("step.finished", "step.exploded"))).as("unknown type").isNotEmpty();
        assertThat(errors(ok.replace("\"greeting\":\"hello\"", "\"greeting\":5"))).as("output not text")
                .isNotEmpty();
        String finished = "{\"seq\":9,\"time\":\"2026-11-27T18:47:07Z\",\"run\":\"r\",\"type\":\"run.finished\","
                + "\"status\":\"succeeded\",\"message\":\"m\"}";
        assertThat(errors(finished)).isEmpty();
        assertThat(errors(finished.replace("\"status\"", "\"step\":\"a\",\"status\""))).as("run event with a step")
                .isNotEmpty();
        String skipped = "{\"seq\":9,\"time\":\"2026-11-27T18:47:07Z\",\"run\":\"r\",\"type\":\"rollback.action\","
                + "\"step\":\"a\",\"action\":2,\"status\":\"skipped\",\"when\":\"previous.failed\"}";
        assertThat(errors(skipped)).isEmpty();
        assertThat(errors(skipped.replace("\"skipped\"", "\"ok\""))).as("an action that ran has kind, target, ...")
                .isNotEmpty();
    }

    // ------------------------------------------------------------------ runs

    @Test
    void successWithOutputsRetriesGuardsToleratedFailuresAndAMonitor() throws Exception {
        Path frag = tmp.resolve("lib.yml");
        Files.writeString(frag, """
                fragment: lib
                params:
                  who: { type: string, required: true }
                steps:
                  - id: greet
                    run: "echo hello ${params.who}"
                """);
        Path file = write("success.yml", """
                runbook: success
                version: 1
                params:
                  dir:   { type: string, required: true }
                  token: { type: string, secret: true, default: s3cr3t-value }
                preconditions:
                  - name: a directory is given
                    that: "params.dir != ''"
                rollback_on:
                  - name: never fires
                    when: "steps.prepare.outputs.level == 'high'"
                    armed_after: prepare
                steps:
                  - id: prepare
                    name: Prepare with a secret
                    run: "echo low; echo token=${params.token} >&2"
                    outputs: { level: "${trim(steps.prepare.stdout)}", token: "${params.token}" }
                  - id: skipped
                    when: "steps.prepare.outputs.level == 'high'"
                    run: "echo never"
                  - id: flaky
                    retries: 3
                    delay: 50ms
                    run: "n=$(cat ${params.dir}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${params.dir}/n; test $n -ge 3"
                  - id: optional
                    continue_on_error: true
                    run: "ls ${params.dir}/no-such-file"
                  - id: slow
                    timeout: 300ms
                    continue_on_error: true
                    run: "sleep 5"
                  - id: grp
                    group:
                      - id: inner
                        run: "echo inner"
                  - id: inc
                    include: lib.yml
                    with: { who: "${steps.prepare.outputs.level}" }
                  - id: watch
                    monitor:
                      for: 250ms
                      every: 100ms
                      failure_limit: 2
                      checks:
                        - { name: prepare ok, that: "steps.prepare.ok" }
                  - id: check
                    assert: "steps.flaky.attempts == 3 && steps.optional.failed && steps.slow.status == 'timed_out'"
                success:
                  - name: flaky made it
                    that: "steps.flaky.ok"
                """);
        Run r = exec(file, "--set", "dir=" + tmp);
        assertThat(r.code).as(r.err).isEqualTo(0);
        r.assertValid();
        assertThat(r.types()).contains("run.started", "precondition.checked", "step.started", "step.output",
                "step.retrying", "step.finished", "triggers.checked", "monitor.tick", "success.checked",
                "run.finished");
        assertThat(r.stdout).noneMatch(l -> l.contains("s3cr3t-value"));
        assertThat(r.journal).noneMatch(l -> l.contains("s3cr3t-value"));
        assertThat(r.journal).noneMatch(l -> l.contains("\"step.output\""));
        assertThat(r.last("run.finished").path("status").asString()).isEqualTo("succeeded");
        RUNS_PASSED.add("successWithOutputsRetriesGuardsToleratedFailuresAndAMonitor");
    }

    @Test
    void failureRolledBackWithAFailingCompensationAndAFallback() throws Exception {
        Path file = write("failure.yml", """
                runbook: failure
                version: 1
                steps:
                  - id: a
                    run: "echo a"
                    rollback:
                      - run: "true"
                      - run: "echo not needed"
                        when: "previous.failed"
                  - id: b
                    run: "echo b"
                    rollback:
                      - run: "exit 3"
                      - run: "true"
                        when: "previous.failed"
                  - id: c
                    run: "echo c fails; exit 7"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(1);
        r.assertValid();
        assertThat(r.types()).contains("rollback.started", "rollback.action", "rollback.finished");
        assertThat(r.last("run.finished").path("status").asString()).isEqualTo("rolled_back");
        RUNS_PASSED.add("failureRolledBackWithAFailingCompensationAndAFallback");
    }

    /**
     * The output lines (and retries) of a rollback action must say whose rollback they belong to, as its
     * {@code rollback.action} event does: without {@code step}, a reader of {@code --output json} cannot tell
     * which compensation printed a line. (The other tests' compensations print nothing, so that this is the one
     * test that fails for it.)
     */
    @Test
    void rollbackActionOutputAndRetriesNameTheirStep() throws Exception {
        Path file = write("undo-output.yml", """
                runbook: undo_output
                version: 1
                steps:
                  - id: a
                    run: "echo a"
                    rollback:
                      - run: "echo undoing a; echo warning >&2; exit 1"
                        retries: 1
                        delay: 10ms
                  - id: b
                    run: "exit 1"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(3);
        List<String> rollbackLines = r.stdout.stream().dropWhile(l -> !l.contains("\"rollback.started\""))
                .filter(l -> l.contains("\"step.output\"") || l.contains("\"step.retrying\"")).toList();
        assertThat(rollbackLines).as("output lines and retries of the compensation").hasSizeGreaterThanOrEqualTo(3);
        assertThat(rollbackLines.stream().map(l -> JSON.readTree(l).path("step").asString("(no step)")).toList())
                .as("the step of each, which should be the step whose rollback it is; the lines: %s", rollbackLines)
                .containsOnly("a");
        r.assertValid();
    }

    @Test
    void irreversibleStepStopsTheRollback() throws Exception {
        Path file = write("irreversible.yml", """
                runbook: irreversible
                version: 1
                steps:
                  - id: a
                    run: "echo a"
                    rollback: [ { run: "echo undo a" } ]
                  - id: b
                    irreversible: true
                    run: "echo b"
                  - id: c
                    run: "exit 1"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(3);
        r.assertValid();
        JsonNode fin = r.last("rollback.finished");
        assertThat(fin.path("irreversible").asString()).isEqualTo("b");
        assertThat(fin.path("not_rolled_back").get(0).asString()).isEqualTo("a");
        RUNS_PASSED.add("irreversibleStepStopsTheRollback");
    }

    @Test
    void aRollingFleetDropsAHostThenStopsAndRollsBack() throws Exception {
        var ssh = dev.runbook.testing.OpenSshHosts.require();
        Path remote = Files.createTempDirectory(Path.of("/tmp"), "rb-events-");
        try {
            Files.setPosixFilePermissions(remote, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            String hosts = String.join(", ", ssh.targets().subList(0, 4).stream().map(t -> "\"" + t + "\"").toList());
            Path file = write("fleet.yml", """
                    runbook: events-fleet
                    version: 1
                    targets:
                      web:
                        ssh: [ %s ]
                        known_hosts: %s
                        identity: %s
                        serial: 2
                        max_fail: 1
                    steps:
                      - id: deploy
                        on: web
                        run: "echo deploy ${target.host} >> %s/log"
                        rollback: [ { run: "echo undo ${target.host}" } ]
                      - id: check
                        on: web
                        run: "test ${target.host} != %s && test ${target.host} != %s"
                    """.formatted(hosts, ssh.knownHosts(), ssh.key(), remote, ssh.hosts().get(1), ssh.hosts().get(2)));
            Run r = exec(file);
            assertThat(r.code).as(r.err).isEqualTo(1);
            r.assertValid();
            assertThat(r.types()).contains("rollout.batch", "step.host", "host.dropped");
            assertThat(r.last("host.dropped").path("host").asString()).isEqualTo(ssh.target(1));
            RUNS_PASSED.add("aRollingFleetDropsAHostThenStopsAndRollsBack");
        } finally {
            try (Stream<Path> files = Files.walk(remote)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void aStepThatChangesAnImageRecordsItAndItsRollbackRestoresIt() throws Exception {
        var docker = dev.runbook.testing.DockerHost.require();
        String name = "rb-events-" + Long.toHexString(System.nanoTime());
        try {
            docker.docker("run", "-d", "--init", "--name", name, "--network", "host", "--label",
                    "com.docker.compose.project=" + name, "--label", "com.docker.compose.service=web",
                    dev.runbook.testing.DockerHost.IMAGE_V1, "sleep", "300");
            Path file = write("image.yml", """
                    runbook: events-image
                    version: 1
                    targets:
                      engine: { docker: "%s" }
                    steps:
                      - id: bounce
                        on: engine
                        restart: { service: web, project: %s }
                        changes_image: { project: %s, service: web }
                      - id: fail
                        run: "exit 1"
                    """.formatted(docker.url(), name, name));
            Run r = exec(file);
            assertThat(r.code).as(r.err).isEqualTo(1);
            r.assertValid();
            assertThat(r.types()).contains("image.recorded");
            assertThat(r.last("rollback.action").path("kind").asString()).isEqualTo("restore_image");
            RUNS_PASSED.add("aStepThatChangesAnImageRecordsItAndItsRollbackRestoresIt");
        } finally {
            docker.docker("rm", "-f", name);
        }
    }

    @Test
    void triggerFiresAndRollsBack() throws Exception {
        Path file = write("trigger.yml", """
                runbook: trigger
                version: 1
                rollback_on:
                  - name: level high
                    when: "steps.probe.outputs.level == 'high'"
                    armed_after: probe
                    message: the probe says high
                steps:
                  - id: a
                    run: "echo a"
                    rollback: [ { run: "true" } ]
                  - id: probe
                    run: "echo high"
                    outputs: { level: "${trim(steps.probe.stdout)}" }
                  - id: never
                    run: "echo never"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(1);
        r.assertValid();
        JsonNode fired = r.last("trigger.fired");
        assertThat(fired.path("step").asString()).isEqualTo("probe");
        assertThat(fired.path("values").path("steps.probe.outputs.level").asString()).isEqualTo("high");
        RUNS_PASSED.add("triggerFiresAndRollsBack");
    }

    @Test
    void approvalGateThenResumeApproved() throws Exception {
        Path file = write("gate.yml", gateRunbook("gate"));
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(4);
        r.assertValid();
        assertThat(r.last("run.finished").path("status").asString()).isEqualTo("awaiting_approval");
        Run resumed = continueRun("resume", r.runId, "--approve", "gate");
        assertThat(resumed.code).as(resumed.err).isEqualTo(0);
        resumed.assertValid();
        assertThat(resumed.types()).contains("run.resumed", "approval.requested", "approval.given");
        assertThat(resumed.last("run.finished").path("status").asString()).isEqualTo("succeeded");
        RUNS_PASSED.add("approvalGateThenResumeApproved");
    }

    @Test
    void approvalGateThenRollbackAndChecksThatFailAndFactsThatCannotBeCollected() throws Exception {
        Path file = write("gate2.yml", """
                runbook: gate2
                version: 1
                facts:
                  health: { http: { url: "http://127.0.0.1:9/health", timeout: 1s } }
                rollback_on:
                  - name: unhealthy
                    when: "facts.health.status != 200"
                steps:
                  - id: before
                    run: "echo before"
                    rollback: [ { run: "true" } ]
                  - id: gate
                    approve: "Go on with ${steps.before.stdout}?"
                success:
                  - name: healthy
                    that: "facts.health.status == 200"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(4);
        r.assertValid();
        assertThat(r.last("triggers.checked").path("decisions").path("unhealthy").asString()).startsWith("inconclusive");
        Run rolled = continueRun("rollback", r.runId);
        assertThat(rolled.code).as(rolled.err).isEqualTo(1);
        rolled.assertValid();
        assertThat(rolled.last("run.resumed").path("rollback").asBoolean()).isTrue();
        assertThat(rolled.last("run.finished").path("status").asString()).isEqualTo("rolled_back");

        Run checks = exec(write("checks.yml", """
                runbook: checks
                version: 1
                facts:
                  health: { http: { url: "http://127.0.0.1:9/health", timeout: 1s } }
                steps:
                  - id: a
                    run: "echo a"
                success:
                  - name: healthy
                    that: "facts.health.status == 200"
                """));
        assertThat(checks.code).as(checks.err).isEqualTo(1);
        checks.assertValid();
        assertThat(checks.last("success.checked").path("detail").asString()).isNotEmpty();
        assertThat(checks.last("run.finished").path("status").asString()).isEqualTo("checks_failed");
        RUNS_PASSED.add("approvalGateThenRollbackAndChecksThatFailAndFactsThatCannotBeCollected");
    }

    @Test
    void preconditionThatDoesNotHold() throws Exception {
        Path file = write("pre.yml", """
                runbook: pre
                version: 1
                params:
                  replicas: { type: integer, default: 1 }
                preconditions:
                  - name: enough replicas
                    that: "params.replicas >= 2"
                    message: at least two replicas
                steps:
                  - id: a
                    run: "echo a"
                """);
        Run r = exec(file);
        assertThat(r.code).as(r.err).isEqualTo(1);
        r.assertValid();
        JsonNode pre = r.last("precondition.checked");
        assertThat(pre.path("holds").asBoolean()).isFalse();
        assertThat(pre.path("values").path("params.replicas").asInt()).isEqualTo(1);
        assertThat(r.last("run.finished").path("status").asString()).isEqualTo("not_started");
        RUNS_PASSED.add("preconditionThatDoesNotHold");
    }

    /** SIGTERM needs a process of its own: the runner is a separate JVM here. */
    @Test
    void interruptedBySigterm() throws Exception {
        Path file = write("slow.yml", """
                runbook: slow
                version: 1
                steps:
                  - id: a
                    run: "echo a"
                  - id: b
                    run: "sleep 30"
                """);
        Path state = tmp.resolve("state-slow");
        Path outFile = tmp.resolve("slow.out");
        Process p = new ProcessBuilder(javaBin(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), "dev.runbook.cli.Main", "exec", file.toString(),
                "--state-dir", state.toString(), "--output", "json")
                .redirectOutput(outFile.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                List<String> journal = journalLines(state);
                if (journal.stream().anyMatch(l -> l.contains("\"step.started\"") && l.contains("\"step\":\"b\""))) {
                    break;
                }
                Thread.sleep(10);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(130);
        Run r = new Run(p.exitValue(), Files.readAllLines(outFile), "", journalLines(state), runIdIn(state));
        r.assertValid();
        assertThat(r.types()).contains("run.interrupted");
        assertThat(r.last("run.finished").path("status").asString()).isEqualTo("interrupted");
        RUNS_PASSED.add("interruptedBySigterm");
    }

    /** After every run test of the class passed (not when one is run alone): every event type was validated. */
    @AfterAll
    static void everyEventTypeButARefusalWasSeen() {
        if (RUNS_PASSED.size() < RUN_TESTS) {
            return;
        }
        // approval.refused needs an operator at a terminal: no test here can answer "no".
        Set<String> expected = new TreeSet<>();
        for (var f : EventType.class.getFields()) {
            try {
                expected.add((String) f.get(null));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        expected.add("monitor.tick");
        expected.remove(EventType.APPROVAL_REFUSED);
        assertThat(SEEN).as("event types seen by the tests of this class").containsAll(expected);
    }

    /** The number of tests above that run runbooks; each adds its name to {@link #RUNS_PASSED} as its last act. */
    static final int RUN_TESTS = 10;
    static final Set<String> RUNS_PASSED = java.util.Collections.synchronizedSet(new TreeSet<>());

    // ------------------------------------------------------------------ helpers

    static String gateRunbook(String name) {
        return """
                runbook: %s
                version: 1
                steps:
                  - id: before
                    run: "echo before"
                  - id: gate
                    approve: "Go on?"
                  - id: after
                    run: "echo after"
                """.formatted(name);
    }

    final class Run {
        final int code;
        final List<String> stdout;
        final String err;
        final List<String> journal;
        final String runId;

        Run(int code, List<String> stdout, String err, List<String> journal, String runId) {
            this.code = code;
            this.stdout = stdout;
            this.err = err;
            this.journal = journal;
            this.runId = runId;
        }

        /** Every stdout line and every journal line is one valid event; the seq numbers go up by one on stdout. */
        void assertValid() {
            assertThat(stdout).as("stdout of --output json").isNotEmpty();
            List<String> problems = new ArrayList<>();
            check("stdout", stdout, problems);
            check("journal", journal, problems);
            assertThat(problems).as("events that do not match schemas/events.schema.json").isEmpty();
            long seq = 0;
            for (String line : stdout) {
                long s = JSON.readTree(line).path("seq").asLong();
                boolean output = JSON.readTree(line).path("type").asString().equals("step.output");
                if (seq != 0) {
                    // an output line (not journaled) carries the number of the event before it: no gaps
                    assertThat(s).as("seq after %d", seq).isEqualTo(output ? seq : seq + 1);
                }
                seq = s;
            }
            List<String> withoutOutput = stdout.stream().filter(l -> !l.contains("\"type\":\"step.output\""))
                    .toList();
            assertThat(journal).as("the journal ends with what stdout showed (output lines aside)")
                    .endsWith(withoutOutput.toArray(String[]::new));
            stdout.forEach(l -> SEEN.add(JSON.readTree(l).path("type").asString()));
        }

        List<String> types() {
            return stdout.stream().map(l -> JSON.readTree(l).path("type").asString()).toList();
        }

        JsonNode last(String type) {
            JsonNode found = null;
            for (String l : stdout) {
                JsonNode n = JSON.readTree(l);
                if (n.path("type").asString().equals(type)) {
                    found = n;
                }
            }
            assertThat(found).as("a %s event in %s", type, stdout).isNotNull();
            return found;
        }
    }

    static void check(String where, List<String> lines, List<String> problems) {
        for (int i = 0; i < lines.size(); i++) {
            List<String> errs = errors(lines.get(i));
            if (!errs.isEmpty()) {
                problems.add(where + " line " + (i + 1) + ": " + lines.get(i) + "\n    " + String.join("\n    ", errs));
            }
        }
    }

    static List<String> errors(String line) {
        return format(schema.validate(line, InputFormat.JSON));
    }

    Run exec(Path file, String... more) {
        String name = file.getFileName().toString().replace(".yml", "");
        Path state = tmp.resolve("state-" + name);
        List<String> args = new ArrayList<>(List.of("exec", file.toString(), "--state-dir", state.toString(),
                "--output", "json"));
        args.addAll(List.of(more));
        return runIn(state, args);
    }

    /** {@code resume}/{@code rollback} of the one run in this test's state directory that has that id. */
    Run continueRun(String command, String runId, String... more) {
        Path state;
        try (Stream<Path> s = Files.list(tmp)) {
            state = s.filter(d -> Files.isDirectory(d.resolve("runs").resolve(runId))).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(command, runId, "--state-dir", state.toString(), "--output",
                "json"));
        args.addAll(List.of(more));
        return runIn(state, args);
    }

    private Run runIn(Path state, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        List<String> stdout = out.toString().lines().toList();
        return new Run(code, stdout, err.toString(), journalLines(state), runIdIn(state));
    }

    static List<String> journalLines(Path state) {
        Path runs = state.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> dirs = s.sorted().toList();
            List<String> all = new ArrayList<>();
            for (Path d : dirs) {
                Path j = d.resolve(Journal.FILE);
                if (Files.exists(j)) {
                    all.addAll(Files.readAllLines(j, StandardCharsets.UTF_8));
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String runIdIn(Path state) {
        try (Stream<Path> s = Files.list(state.resolve("runs"))) {
            List<String> ids = s.map(p -> p.getFileName().toString()).sorted().toList();
            return ids.isEmpty() ? null : ids.get(ids.size() - 1);
        } catch (IOException e) {
            return null;
        }
    }

    Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path findRepoRoot() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("schemas/events.schema.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no schemas/events.schema.json above " + Paths.get("").toAbsolutePath());
    }

    static List<String> format(List<com.networknt.schema.Error> errors) {
        return errors.stream().map(e -> "[" + e.getKeyword() + "] at '" + e.getInstanceLocation() + "': "
                + e.getMessage()).collect(Collectors.toList());
    }
}
