package dev.runbook.cli;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.example;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.last;
import static dev.runbook.exec.RunFixture.lines;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.only;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runIds;
import static dev.runbook.exec.RunFixture.story;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The example runbooks of the execution engine, run through the command line as an operator runs them: the
 * exit code, the console's verdict, the journal (parsed as JSON, event by event) and the files the steps and
 * their rollbacks wrote. Then {@code show}, {@code runs} and {@code verify} over those runs.
 */
class ExecCliTest {

    @TempDir
    Path tmp;

    Path state() {
        return tmp.resolve("state");
    }

    Path work() {
        return tmp.resolve("work");
    }

    Result exec(String example, String... more) {
        String[] args = new String[6 + more.length];
        args[0] = "exec";
        args[1] = example(example).toString();
        args[2] = "--state-dir";
        args[3] = state().toString();
        args[4] = "--set";
        args[5] = "workdir=" + work();
        System.arraycopy(more, 0, args, 6, more.length);
        return cli(args);
    }

    @Test
    void deploySucceeds() {
        Result r = exec("deploy-succeeds.yml", "--set", "release=3.1.4");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.verdict()).isEqualTo("verdict: SUCCEEDED — every step ran and every success check holds");
        assertThat(r.out()).contains("[ok]      success check: the new release runs",
                "[ok]      success check: every step succeeded");
        String run = onlyRun(state());
        assertThat(r.out()).contains("run " + run + " of deploy-succeeds started", "journal: run " + run);

        List<JsonNode> events = journal(state(), run);
        assertThat(story(events)).containsExactly(
                "run.started",
                "step.started prepare", "step.finished prepare ok",
                "step.started backup", "step.finished backup ok",
                "step.started deploy", "step.finished deploy ok",
                "step.started restart", "step.finished restart ok",
                "step.started check", "step.finished check ok",
                "success.checked", "success.checked",
                "run.finished succeeded");
        assertThat(events.get(0).path("params").path("release").asString()).isEqualTo("3.1.4");
        assertThat(events).allSatisfy(e -> assertThat(e.path("run").asString()).isEqualTo(run));
        JsonNode restart = ofType(events, "step.finished").get(3);
        assertThat(restart.path("outputs").path("running").asString()).isEqualTo("3.1.4");

        assertThat(read(work().resolve("app/release.txt")).trim()).isEqualTo("3.1.4");
        assertThat(read(work().resolve("backup/release.txt")).trim()).isEqualTo("1.0.0");
        assertThat(lines(work().resolve("steps.log"))).containsExactly("prepare", "backup", "deploy", "restart");
        assertThat(work().resolve("app/restarted")).exists();
    }

    @Test
    void deployFailsAndRollsBackInReverseOrder() {
        Result r = exec("deploy-fails-rolls-back.yml");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).isEqualTo("verdict: ROLLED BACK — step 'smoke_test' failed: exit code 1; rolled back");
        assertThat(r.out()).contains("[FAILED]  smoke_test failed", "rollback complete");

        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(story(events)).containsExactly(
                "run.started",
                "step.started prepare", "step.finished prepare ok",
                "step.started upload", "step.finished upload ok",
                "step.started migrate", "step.finished migrate ok",
                "step.started switch", "step.finished switch ok",
                "step.started smoke_test", "step.finished smoke_test failed",
                "rollback.started",
                "rollback.action smoke_test#1 ok",
                "rollback.action switch#1 ok",
                "rollback.action migrate#1 ok",
                "rollback.action upload#1 ok",
                "rollback.finished",
                "run.finished rolled_back");
        JsonNode failed = ofType(events, "step.finished").get(4);
        assertThat(failed.path("exit_code").asInt()).isEqualTo(1);
        assertThat(failed.path("stdout").asString()).isEqualTo("testing release 2");
        assertThat(only(events, "rollback.started").path("reason").asString())
                .isEqualTo("step 'smoke_test' failed: exit code 1");
        assertThat(only(events, "rollback.finished").path("complete").asBoolean()).isTrue();

        // the compensations ran, in reverse order, and undid what the steps did
        assertThat(lines(work().resolve("rollback.log")))
                .containsExactly("undo_smoke_test", "undo_switch", "undo_migrate", "undo_upload");
        assertThat(lines(work().resolve("steps.log"))).containsExactly("upload", "migrate", "switch", "smoke_test");
        assertThat(read(work().resolve("current")).trim()).isEqualTo("release 1");
        assertThat(read(work().resolve("schema")).trim()).isEqualTo("1");
        assertThat(work().resolve("releases/2")).doesNotExist();
    }

    @Test
    void theSameDeployWithAPassingSmokeTestSucceeds() {
        Result r = exec("deploy-fails-rolls-back.yml", "--set", "smoke_ok=true");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.verdict()).startsWith("verdict: SUCCEEDED");
        assertThat(lines(work().resolve("rollback.log"))).isEmpty();
        assertThat(lines(work().resolve("steps.log")))
                .containsExactly("upload", "migrate", "switch", "smoke_test", "announce");
    }

    @Test
    void triggerOverAStepOutputFiresAfterItsStepAndRollsBack() {
        // 1200 > 500 as numbers (as text, "1200" < "500": the trigger would stay quiet)
        Result r = exec("trigger-fires.yml", "--set", "latency_ms=1200");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict())
                .isEqualTo("verdict: ROLLED BACK — rollback trigger 'latency over budget' fired; rolled back");
        assertThat(r.out()).contains("!! rollback trigger fired: latency over budget");

        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(story(events)).containsExactly(
                "run.started",
                "step.started stage", "step.finished stage ok",
                "step.started switch", "step.finished switch ok",
                "step.started measure", "step.finished measure ok",
                "trigger.fired measure",
                "rollback.started",
                "rollback.action switch#1 ok",
                "rollback.action stage#1 ok",
                "rollback.finished",
                "run.finished rolled_back");
        JsonNode fired = only(events, "trigger.fired");
        assertThat(fired.path("trigger").asString()).isEqualTo("latency over budget");
        assertThat(fired.path("values").path("steps.measure.outputs.latency_ms").asString()).isEqualTo("1200");
        assertThat(fired.path("values").path("params.budget_ms").asInt()).isEqualTo(500);

        assertThat(lines(work().resolve("rollback.log"))).containsExactly("undo_switch", "undo_stage");
        assertThat(read(work().resolve("live")).trim()).isEqualTo("release 1");
        assertThat(work().resolve("staged")).doesNotExist();
        assertThat(work().resolve("announced")).doesNotExist();
    }

    @Test
    void triggerStaysQuietWithinBudget() {
        Result r = exec("trigger-fires.yml", "--set", "latency_ms=120");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(ofType(events, "trigger.fired")).isEmpty();
        // armed after measure: checked after measure and announce, not before
        assertThat(ofType(events, "triggers.checked")).extracting(e -> e.path("step").asString())
                .containsExactly("measure", "announce");
        assertThat(ofType(events, "triggers.checked").get(0).path("decisions").path("latency over budget").asString())
                .isEqualTo("quiet");
        assertThat(read(work().resolve("announced"))).contains("release 2 is live");
        assertThat(lines(work().resolve("rollback.log"))).isEmpty();
    }

    @Test
    void gateStopsTheRunAndResumeWithApprovalCompletesIt() {
        Result first = exec("gate.yml");

        assertThat(first.code()).as(first.console()).isEqualTo(ExitCodes.AWAITING_APPROVAL);
        String run = onlyRun(state());
        assertThat(first.verdict()).startsWith("verdict: AWAITING APPROVAL — waiting for approval 'go_live'")
                .contains("runbook resume " + run + " --state-dir " + state() + " --approve go_live");
        List<JsonNode> stopped = journal(state(), run);
        assertThat(story(stopped)).containsExactly(
                "run.started",
                "step.started build", "step.finished build ok",
                "step.started stage", "step.finished stage ok",
                "step.started go_live", "approval.requested go_live",
                "run.finished awaiting_approval");
        assertThat(only(stopped, "approval.requested").path("question").asString())
                .isEqualTo("Publish release 2.0.0 to production?");
        assertThat(lines(work().resolve("steps.log"))).containsExactly("build", "stage");
        assertThat(work().resolve("live.txt")).doesNotExist();

        Result resumed = cli("resume", run, "--approve", "go_live", "--state-dir", state().toString());

        assertThat(resumed.code()).as(resumed.console()).isEqualTo(ExitCodes.OK);
        assertThat(resumed.verdict()).startsWith("verdict: SUCCEEDED");
        assertThat(resumed.out()).contains("run " + run + " resumed", "approved by --approve go_live");
        assertThat(runIds(state())).containsExactly(run);
        List<JsonNode> all = journal(state(), run);
        List<JsonNode> after = all.subList(stopped.size(), all.size());
        assertThat(story(after)).containsExactly(
                "run.resumed",
                "step.started go_live", "approval.requested go_live", "approval.given go_live",
                "step.finished go_live ok",
                "step.started publish", "step.finished publish ok",
                "success.checked",
                "run.finished succeeded");
        assertThat(after.get(0).path("completed").values()).extracting(JsonNode::asString)
                .containsExactly("build", "stage");
        assertThat(all).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
        // build and stage did not run again
        assertThat(lines(work().resolve("steps.log"))).containsExactly("build", "stage", "publish");
        assertThat(read(work().resolve("live.txt")).trim()).isEqualTo("2.0.0");

        Result again = cli("resume", run, "--approve", "go_live", "--state-dir", state().toString());
        assertThat(again.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(again.err()).contains("has finished (succeeded): nothing to resume");
    }

    @Test
    void gateApprovedUpFrontRunsStraightThrough() {
        Result r = exec("gate.yml", "--approve", "go_live");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(lines(work().resolve("steps.log"))).containsExactly("build", "stage", "publish");
    }

    @Test
    void failureAfterAnIrreversibleStepStopsTheRollbackThere() {
        Result r = exec("irreversible.yml");

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.ROLLBACK_INCOMPLETE);
        assertThat(r.verdict()).startsWith("verdict: ROLLBACK INCOMPLETE — step 'verify' failed")
                .contains("manual action needed", "step 'notify_customers' is irreversible",
                        "not rolled back: migrate");
        assertThat(r.out()).contains("rollback INCOMPLETE");

        List<JsonNode> events = journal(state(), onlyRun(state()));
        assertThat(story(events)).containsExactly(
                "run.started",
                "step.started migrate", "step.finished migrate ok",
                "step.started notify_customers", "step.finished notify_customers ok",
                "step.started warm_cache", "step.finished warm_cache ok",
                "step.started verify", "step.finished verify failed",
                "rollback.started",
                "rollback.action warm_cache#1 ok",
                "rollback.finished",
                "run.finished rollback_incomplete");
        JsonNode fin = only(events, "rollback.finished");
        assertThat(fin.path("complete").asBoolean()).isFalse();
        assertThat(fin.path("irreversible").asString()).isEqualTo("notify_customers");
        assertThat(fin.path("not_rolled_back").values()).extracting(JsonNode::asString).containsExactly("migrate");

        assertThat(lines(work().resolve("rollback.log"))).containsExactly("undo_cache");
        assertThat(read(work().resolve("schema")).trim()).isEqualTo("2"); // not migrated back: a human decides
        assertThat(work().resolve("outbox")).exists();
        assertThat(work().resolve("cache")).doesNotExist();
    }

    @Test
    void showAndRunsTellWhatHappened() {
        Result ok = exec("deploy-succeeds.yml");
        String first = onlyRun(state());
        Result failed = cli("exec", example("deploy-fails-rolls-back.yml").toString(), "--state-dir",
                state().toString(), "--set", "workdir=" + tmp.resolve("work2"));
        assertThat(ok.code()).isZero();
        assertThat(failed.code()).isEqualTo(ExitCodes.FAILED);
        List<String> ids = runIds(state());
        assertThat(ids).hasSize(2).contains(first);
        String second = ids.get(0).equals(first) ? ids.get(1) : ids.get(0);

        Result show = cli("show", second, "--state-dir", state().toString());
        assertThat(show.code()).as(show.console()).isZero();
        assertThat(show.out()).contains("run " + second + " of deploy-fails-rolls-back started",
                "[FAILED]  smoke_test failed", "rollback of upload, action 1", "rollback complete");
        assertThat(show.out().lines().filter(l -> l.matches("  \\w+ +\\w+ +\\d+(ms|\\.\\ds)")))
                .extracting(l -> l.trim().split(" +")[0] + " " + l.trim().split(" +")[1])
                .containsExactly("prepare ok", "upload ok", "migrate ok", "switch ok", "smoke_test failed");
        // the same verdict as the run printed
        assertThat(show.verdict()).isEqualTo(failed.verdict());

        Result runs = cli("runs", "--state-dir", state().toString());
        assertThat(runs.code()).as(runs.console()).isZero();
        assertThat(runs.out().lines().filter(l -> l.contains(first)).findFirst().orElseThrow())
                .contains("deploy-succeeds", "succeeded");
        assertThat(runs.out().lines().filter(l -> l.contains(second)).findFirst().orElseThrow())
                .contains("deploy-fails-rolls-back", "rolled_back");
    }

    @Test
    void verifyEvaluatesTheSuccessChecksAgainstTheLatestRun() throws Exception {
        String file = example("deploy-fails-rolls-back.yml").toString();
        String[] common = {"--state-dir", state().toString(), "--set", "workdir=" + work()};

        Result never = cli(concat(new String[] {"verify", file}, common));
        assertThat(never.code()).as("never ran: " + never.console()).isEqualTo(ExitCodes.FAILED);

        assertThat(exec("deploy-fails-rolls-back.yml", "--set", "smoke_ok=true").code()).isZero();
        Result holds = cli(concat(new String[] {"verify", file}, common));
        assertThat(holds.code()).as(holds.console()).isEqualTo(ExitCodes.OK);
        assertThat(holds.out()).contains("[ok]     the smoke test passed", "verified: every success check holds");

        nextSecond(); // run ids sort by the second they start in (see runsAreListedInTheOrderTheyStarted)
        assertThat(exec("deploy-fails-rolls-back.yml").code()).isEqualTo(ExitCodes.FAILED);
        Result fails = cli(concat(new String[] {"verify", file}, common));
        assertThat(fails.code()).as(fails.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(fails.out()).contains("[FAILED] the smoke test passed", "NOT verified");
    }

    @Test
    void verifyReadsParamsAsGivenNow() {
        assertThat(exec("deploy-succeeds.yml", "--set", "release=2.5.0").code()).isZero();
        String file = example("deploy-succeeds.yml").toString();

        Result same = cli("verify", file, "--state-dir", state().toString(), "--set", "release=2.5.0");
        assertThat(same.code()).as(same.console()).isEqualTo(ExitCodes.OK);

        Result other = cli("verify", file, "--state-dir", state().toString(), "--set", "release=9.9.9");
        assertThat(other.code()).as(other.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(other.out()).contains("[FAILED] the new release runs", "[ok]     every step succeeded");
    }

    @Test
    void aRunWritesItsJournalUnderTheStateDirOnly() throws Exception {
        exec("deploy-succeeds.yml");
        assertThat(Files.list(state().resolve("runs")).count()).isEqualTo(1);
        assertThat(example(".runbook/runs")).as("nothing written beside the examples").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.list(p).map(Path::toString)).noneMatch(s -> s.contains(onlyRun(state()))));
        assertThat(last(journal(state(), onlyRun(state()))).path("status").asString()).isEqualTo("succeeded");
    }

    /**
     * {@code runbook runs} lists runs oldest first, and {@code verify} reads "the latest run": both need the order
     * in which runs started, also for runs started within the same second (a quick re-run, a script).
     */
    @Test
    void runsAreListedInTheOrderTheyStarted() {
        List<String> started = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Result r = exec("deploy-succeeds.yml");
            assertThat(r.code()).isZero();
            started.add(runId(r));
        }
        Result runs = cli("runs", "--state-dir", state().toString());
        List<String> listed = runs.out().lines().map(String::trim).filter(l -> !l.endsWith(":"))
                .map(l -> l.split(" +")[0]).toList();
        assertThat(listed).as("ids in the order 'runbook runs' lists them (oldest first, it says)")
                .containsExactlyElementsOf(started);
    }

    /** The run id the console names ("journal: run ID"). */
    private static String runId(Result r) {
        return r.out().lines().filter(l -> l.startsWith("journal: run ")).findFirst().orElseThrow()
                .substring("journal: run ".length()).trim();
    }

    /** Waits for the wall clock's next second. */
    private static void nextSecond() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(1000 - now % 1000 + 20);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
