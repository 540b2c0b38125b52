package dev.runbook.facts;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.only;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Facts collected for real, through the command line as an operator runs it, against an HTTP server in this JVM:
 * guards and preconditions over live facts, a fact that times out, a rollback trigger over a fact, and the plan.
 */
class FactsCliTest {

    @TempDir
    Path tmp;

    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Path state() {
        return tmp.resolve("state");
    }

    Path work() {
        return tmp.resolve("work");
    }

    Result exec(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("exec", file.toString(), "--state-dir", state().toString(),
                "--set", "workdir=" + work(), "--set", "port=" + server.port()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    static final String HEAD = """
            runbook: live
            version: 1
            params:
              workdir: { type: string, required: true }
              port:    { type: integer, required: true }
            facts:
              health: { http: { url: "http://127.0.0.1:${params.port}/health", timeout: 2s } }
            """;

    @Test
    void aGuardOverALiveFactRunsTheStepAndOneWhoseServerIsDownIsSkippedSayingWhy() throws IOException {
        Path f = runbook(tmp, "guards.yml", HEAD + """
                steps:
                  - id: prepare
                    run: "mkdir -p ${params.workdir}"
                  - id: when_healthy
                    when: "facts.health.status == 200 && facts.health.json.services.agents == 'healthy'"
                    run: "echo when_healthy >> ${params.workdir}/ran"
                  - id: when_down
                    when: "facts.health.status == 200"
                    run: "echo when_down >> ${params.workdir}/ran"
                """);

        Result up = exec(f);
        assertThat(up.code()).as(up.console()).isEqualTo(ExitCodes.OK);
        assertThat(lines(work().resolve("ran"))).containsExactly("when_healthy", "when_down");

        Files.delete(work().resolve("ran"));
        int port = server.port();
        server.close();
        Result down = cli("exec", f.toString(), "--state-dir", tmp.resolve("state2").toString(), "--set",
                "workdir=" + work(), "--set", "port=" + port);

        assertThat(down.code()).as(down.console()).isEqualTo(ExitCodes.OK);
        assertThat(work().resolve("ran")).doesNotExist();
        List<JsonNode> events = journal(tmp.resolve("state2"), onlyRun(tmp.resolve("state2")));
        JsonNode skipped = ofType(events, "step.finished").stream()
                .filter(e -> e.path("step").asString().equals("when_down")).findFirst().orElseThrow();
        assertThat(skipped.path("status").asString()).isEqualTo("skipped");
        assertThat(skipped.path("error").asString())
                .startsWith("its guard could not be evaluated, so it does not hold:")
                .contains("fact 'health' cannot be collected: GET http://127.0.0.1:" + port + "/health failed:"
                        + " cannot connect");
        assertThat(down.out()).contains("[skipped] when_down");
    }

    @Test
    void aSlowHttpFactHitsItsTimeoutAndThePreconditionSaysSo() {
        server.delayMs.set(3000);
        Path f = runbook(tmp, "slow.yml", HEAD + """
                  slow: { http: { url: "http://127.0.0.1:${params.port}/slow" }, timeout: 300ms }
                preconditions:
                  - name: the app answers quickly
                    that: "facts.slow.ok"
                steps:
                  - id: change
                    run: "mkdir -p ${params.workdir} && touch ${params.workdir}/changed"
                """);

        long start = System.nanoTime();
        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).contains("a precondition does not hold: nothing was changed");
        assertThat(work().resolve("changed")).doesNotExist();
        JsonNode pre = only(journal(state(), onlyRun(state())), "precondition.checked");
        assertThat(pre.path("holds").asBoolean()).isFalse();
        assertThat(pre.path("detail").asString()).contains("fact 'slow' cannot be collected: GET http://127.0.0.1:"
                + server.port() + "/slow did not answer within 300ms");
        // the precondition and its recorded values each collect it once: far less than the server's 3 s each
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2900);
    }

    @Test
    void aPreconditionOverALiveFactThatHoldsLetsTheRunGoOn() {
        Path f = runbook(tmp, "pre.yml", HEAD + """
                preconditions:
                  - name: production is healthy
                    that: "facts.health.status == 200 && facts.health.json.status == 'ok'"
                steps:
                  - id: change
                    run: "mkdir -p ${params.workdir} && touch ${params.workdir}/changed"
                success:
                  - name: still healthy
                    that: "facts.health.ok && facts.health.elapsed < 2000"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(work().resolve("changed")).exists();
        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(only(events, "precondition.checked").path("holds").asBoolean()).isTrue();
        assertThat(only(events, "success.checked").path("holds").asBoolean()).isTrue();
    }

    @Test
    void aPreconditionOverALiveFactThatDoesNotHoldChangesNothing() {
        Path f = runbook(tmp, "pre.yml", HEAD + """
                  down: { http: { url: "http://127.0.0.1:${params.port}/down" } }
                preconditions:
                  - name: production is healthy
                    that: "facts.health.status == 200"
                  - name: the other service is healthy
                    that: "facts.down.status == 200"
                    message: the other service must be up first
                steps:
                  - id: change
                    run: "mkdir -p ${params.workdir} && touch ${params.workdir}/changed"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).isEqualTo("verdict: NOT STARTED — a precondition does not hold: nothing was changed");
        assertThat(work().resolve("changed")).doesNotExist();
        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(story(events)).containsExactly("run.started", "fact.collected", "precondition.checked",
                "fact.collected", "precondition.checked", "run.finished not_started");
        List<JsonNode> collected = ofType(events, "fact.collected");
        assertThat(collected.get(0).path("fact").asString()).isEqualTo("health");
        assertThat(collected.get(0).path("value").path("status").asInt()).isEqualTo(200);
        assertThat(collected.get(1).path("fact").asString()).isEqualTo("down");
        assertThat(collected.get(1).path("value").path("status").asInt()).isNotEqualTo(200);
        JsonNode failed = ofType(events, "precondition.checked").get(1);
        assertThat(failed.path("holds").asBoolean()).isFalse();
        assertThat(failed.path("message").asString()).isEqualTo("the other service must be up first");
        assertThat(failed.path("values").path("facts.down.status").asInt()).isEqualTo(503);
    }

    @Test
    void aRollbackTriggerOverAnHttpFactsElapsedFiresWhenTheServerGetsSlow() {
        Path f = runbook(tmp, "trigger.yml", HEAD + """
                  home: { http: { url: "http://127.0.0.1:${params.port}/slow" } }
                rollback_on:
                  - name: performance degradation
                    when: "facts.home.elapsed > 400"
                    armed_after: restart
                steps:
                  - id: deploy
                    run: "mkdir -p ${params.workdir} && echo deployed > ${params.workdir}/state"
                    rollback:
                      - run: "echo rolled_back > ${params.workdir}/state"
                  - id: restart
                    http: { url: "http://127.0.0.1:${params.port}/slow/set?ms=800", method: POST }
                  - id: after
                    run: "echo after >> ${params.workdir}/state"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).contains("rollback trigger 'performance degradation' fired");
        assertThat(lines(work().resolve("state"))).containsExactly("rolled_back");
        List<JsonNode> events = journal(state(), onlyRun(state()));
        JsonNode fired = only(events, "trigger.fired");
        assertThat(fired.path("step").asString()).isEqualTo("restart");
        assertThat(fired.path("when").asString()).isEqualTo("facts.home.elapsed > 400");
        assertThat(fired.path("values").path("facts.home.elapsed").asLong()).isBetween(400L, 5000L);
        assertThat(story(events)).doesNotContain("step.started after");
    }

    @Test
    void severalFactsReadAtOnePointAreCollectedInParallelAndOnceEach() {
        server.delayMs.set(400);
        Path f = runbook(tmp, "parallel.yml", HEAD + """
                  a: { http: { url: "http://127.0.0.1:${params.port}/slow/a" } }
                  b: { http: { url: "http://127.0.0.1:${params.port}/slow/b" } }
                  c: { http: { url: "http://127.0.0.1:${params.port}/slow/c" } }
                preconditions:
                  - that: "facts.a.ok && facts.b.ok && facts.c.ok && facts.a.status == 200"
                steps:
                  - id: change
                    run: "mkdir -p ${params.workdir}"
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(server.maxInFlight.get()).as("requests served at the same time").isGreaterThanOrEqualTo(2);
        assertThat(server.requests).filteredOn(q -> q.startsWith("GET /slow/")).hasSize(3);
    }

    @Test
    void aMonitorTickCollectsAFactOnceForItsChecksAndItsTriggers() {
        Path f = runbook(tmp, "once.yml", HEAD + """
                  home: { http: { url: "http://127.0.0.1:${params.port}/slow/home" } }
                rollback_on:
                  - name: slow pages
                    when: "facts.home.elapsed > 10000"
                    armed_after: deploy
                steps:
                  - id: deploy
                    run: "mkdir -p ${params.workdir}"
                  - id: watch
                    monitor: { for: 1s, every: 100ms, checks: [ { that: "facts.home.ok" } ] }
                """);

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = journal(state(), onlyRun(state()));
        long ticks = ofType(events, "monitor.tick").size();
        long evaluationPoints = ofType(events, "triggers.checked").size(); // each tick, and after each step
        assertThat(ticks).isGreaterThan(3);
        assertThat(evaluationPoints).isEqualTo(ticks + 2);
        assertThat(server.requests).filteredOn(q -> q.equals("GET /slow/home"))
                .as("one request an evaluation point: a tick's checks and triggers share it")
                .hasSize((int) evaluationPoints);
    }

    @Test
    void aServiceThatTurnsSlowDuringAMonitorWindowIsRolledBackByItself() throws Exception {
        Path f = runbook(tmp, "monitor.yml", HEAD + """
                  home: { http: { url: "http://127.0.0.1:${params.port}/slow", timeout: 3s } }
                rollback_on:
                  - name: performance degradation
                    when: "facts.home.elapsed > 400"
                    armed_after: deploy
                    message: page load over budget
                steps:
                  - id: deploy
                    run: "mkdir -p ${params.workdir} && echo deployed > ${params.workdir}/state"
                    rollback:
                      - run: "echo rolled_back > ${params.workdir}/state"
                  - id: watch
                    monitor: { for: 5s, every: 200ms, failure_limit: 3, checks: [ { that: "facts.home.ok" } ] }
                  - id: after
                    run: "echo after >> ${params.workdir}/state"
                """);
        Thread slowDown = new Thread(() -> {
            try {
                Thread.sleep(1000);
                server.delayMs.set(600);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slowDown.start();

        Result r = exec(f);
        slowDown.join();

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.console()).contains("rollback trigger fired: performance degradation", "page load over budget",
                "verdict: ROLLED BACK");
        assertThat(lines(work().resolve("state"))).containsExactly("rolled_back");
        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(ofType(events, "monitor.tick").size()).as("quiet ticks came first").isGreaterThan(1);
        JsonNode fired = only(events, "trigger.fired");
        assertThat(fired.path("step").asString()).isEqualTo("watch");
        assertThat(fired.path("values").path("facts.home.elapsed").asLong()).isBetween(400L, 3000L);
        assertThat(story(events)).doesNotContain("step.started after");
    }

    @Test
    void thePlanCollectsFactsAndShowsTheEvaluatedChecksWithTheirValues() throws IOException {
        Path f = runbook(tmp, "plan.yml", HEAD + """
                  down:  { http: { url: "http://127.0.0.1:${params.port}/down" } }
                  token: { shell: "echo tok-abcdef", secret: true }
                preconditions:
                  - name: production is healthy
                    that: "facts.health.status == 200 && facts.health.json.services.agents == 'healthy'"
                  - name: the other service is healthy
                    that: "facts.down.ok"
                  - name: a token is there
                    that: "len(facts.token) > 3"
                rollback_on:
                  - name: agents offline
                    when: "facts.health.json.services.agents != 'healthy'"
                    armed_after: change
                steps:
                  - id: change
                    when: "facts.health.ok"
                    run: "touch ${params.workdir}/changed"
                  - id: later
                    when: "steps.change.ok && facts.health.ok"
                    run: "true"
                success:
                  - name: still healthy
                    that: "facts.health.json.status == 'ok'"
                """);

        Result r = cli("plan", f.toString(), "--set", "workdir=" + work(), "--set", "port=" + server.port());

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains(
                "Note: facts are collected now, on this machine",
                "[ok] production is healthy",
                "holds: read facts.health.status = 200, facts.health.json.services.agents = 'healthy'",
                "[FAILS] the other service is healthy",
                "fails: read facts.down.ok = false",
                "[ok] a token is there",
                "holds: read facts.token = ***",
                "when facts.health.ok  -> holds: read facts.health.ok = true",
                "when steps.change.ok && facts.health.ok  -> not evaluated: decided during the run: reads steps.change",
                "[quiet] agents offline",
                "holds: read facts.health.json.status = 'ok'");
        assertThat(r.out()).doesNotContain("tok-abcdef");
        // every fact is asked once, however many checks read it
        assertThat(server.requests).containsOnlyOnce("GET /health").containsOnlyOnce("GET /down");
        assertThat(work().resolve("changed")).doesNotExist();

        Result json = cli("plan", f.toString(), "--set", "workdir=" + work(), "--set", "port=" + server.port(),
                "--format", "json");
        JsonNode plan = JsonMapper.builder().build().readTree(json.out());
        assertThat(plan.path("offline").asBoolean()).isFalse();
        assertThat(plan.path("preconditions").get(0).path("status").asString()).isEqualTo("holds");

        // --offline is as before: nothing collected, nothing evaluated
        server.requests.clear();
        Result offline = cli("plan", f.toString(), "--set", "workdir=" + work(), "--set", "port=" + server.port(),
                "--offline");
        assertThat(offline.out()).contains("Note: offline: facts are not collected",
                "not evaluated: reads facts.health: facts are not collected (offline)");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void thePlanSaysWhyAFactCannotBeCollected() {
        Path f = runbook(tmp, "plan.yml", HEAD + """
                preconditions:
                  - name: production is healthy
                    that: "facts.health.status == 200"
                steps:
                  - id: change
                    run: "true"
                """);
        int port = server.port();
        server.close();

        Result r = cli("plan", f.toString(), "--set", "workdir=" + work(), "--set", "port=" + port);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("[ERROR] production is healthy", "fact 'health' cannot be collected: GET"
                + " http://127.0.0.1:" + port + "/health failed: cannot connect");
    }
}
