package dev.runbook.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The product's promise, rehearsed: {@code runbooks/production.yml} (the seed ticket as one runbook) deploys
 * release 2.4.0 of the Rails stand-in over real OpenSSH, Docker Compose, PostgreSQL and Redis
 * ({@link RehearsalStack}), and every rollback criterion of the ticket rolls it back with nothing lost: the
 * checksum of every table after a rolled-back deploy equals the one before it.
 */
class ProductionRehearsalTest {

    static final String RELEASE = "2.4.0";
    static final String PREVIOUS = "2.3.0";
    static final String SCHEMA = "20240611093000";

    @TempDir
    Path tmp;

    RehearsalStack stack;

    @BeforeEach
    void servers() {
        RehearsalStack.require();
    }

    @AfterEach
    void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aHealthyReleaseGoesThroughEveryPhaseAndVerifyPassesLater() throws Exception {
        stack = RehearsalStack.up(tmp.resolve("healthy"), "healthy");
        String before = stack.checksum();

        // the reviewer's dry run against the live stack: preconditions evaluated, commands rendered, nothing changed
        RunFixture.Result plan = stack.run("plan");
        assertThat(plan.code()).as(plan.console()).isZero();
        assertThat(plan.out()).contains("[ok] production is healthy", "[ok] all tests passing",
                "[ok] changelog updated", "[ok] rollback plan ready (backup space)", "[quiet] performance degradation",
                "git pull --ff-only origin main", "bin/rails db:migrate");
        String preconditions = plan.out().substring(plan.out().indexOf("\nPreconditions"), plan.out().indexOf("\nSteps"));
        assertThat(preconditions).as("every precondition evaluated and holding").doesNotContain("[FAILS]", "[?]");
        assertThat(stack.checksum()).isEqualTo(before);
        assertThat(stack.version()).isEqualTo(PREVIOUS);

        RunFixture.Result r = stack.run("exec", "--yes");

        assertThat(r.code()).as(r.console()).isZero();
        assertThat(r.verdict()).contains("SUCCEEDED");
        List<JsonNode> events = stack.journal();
        for (String step : List.of("record_baseline", "backup", "pull_code", "check_release", "build",
                "check_pending_migrations", "verify_schema", "verify_row_counts", "restart", "wait_healthy",
                "check_healthy", "smoke_create_campaign", "smoke_cleanup", "warm_caches", "verify_caches", "watch",
                "release_notes")) {
            assertThat(status(events, step)).as("step %s", step).isEqualTo("ok");
        }
        assertThat(RunFixture.ofType(events, "trigger.fired")).isEmpty();
        assertThat(stack.version()).isEqualTo(RELEASE);
        String after = stack.checksum();
        assertThat(after).contains(SCHEMA);
        // the smoke campaign was created and deleted again: every table has the rows it had, plus 2 migrations
        assertNoRowLost(before, after);
        assertThat(String.join("\n", stack.hooks()))
                .contains("we are deploying release " + RELEASE)
                .contains("# Release " + RELEASE + " is live")
                .contains("**Agent monitoring**")
                .contains("Support plan for the first week");

        RunFixture.Result verify = stack.run("verify");
        assertThat(verify.code()).as(verify.console()).isZero();
    }

    @Test
    void aFailingMigrationIsRolledBackAndTheDatabaseIsAsBefore() throws Exception {
        rolledBack("broken-migration");
        List<JsonNode> events = stack.journal();
        assertThat(status(events, "migrate")).isEqualTo("failed");
        // the journal keeps the migration's own words, to investigate from
        assertThat(output(events, "migrate")).contains("does not exist");
        assertThat(status(events, "restart")).as("never restarted").isNull();
        assertThat(String.join("\n", stack.hooks())).contains("was rolled back");
    }

    @Test
    void aFailingDownMigrationIsRepairedFromTheBackup() throws Exception {
        rolledBack("broken-down");
        List<JsonNode> events = stack.journal();
        List<String> actions = RunFixture.ofType(events, "rollback.action").stream()
                .filter(e -> e.path("step").asString().endsWith("migrate"))
                .map(e -> e.path("action").asInt() + ":" + e.path("status").asString()).toList();
        // db:rollback fails, the schema is not back, so the backup is restored
        assertThat(actions).containsExactly("1:failed", "2:failed", "3:ok");
    }

    @Test
    void pagesSlowerThanTheBudgetDuringMonitoringRollBackToThePreviousImage() throws Exception {
        // slow from 20 s after the restart: the steps before monitoring take about 10 s, the window 30 s
        RunFixture.Result r = rolledBackBy("performance degradation", "slow", "--slow-after", "20");
        assertThat(RunFixture.only(stack.journal(), "trigger.fired").path("step").asString())
                .as("fired while monitoring").isEqualTo("watch");
        assertThat(r.console()).contains("performance degradation");
    }

    @Test
    void agentsOfflineAfterTheRestartRollBack() throws Exception {
        rolledBackBy("critical functionality broken: agents offline", "agents-offline");
    }

    /**
     * Deploys a release that misbehaves once it runs, and checks that exactly {@code trigger} rolled it back to the
     * previous release with every table as before.
     */
    private RunFixture.Result rolledBackBy(String trigger, String release, String... up) throws Exception {
        RunFixture.Result r = rolledBack(release, up);
        List<JsonNode> events = stack.journal();
        assertThat(fired(events)).containsExactly(trigger);
        // the journal says why: the values the trigger read
        assertThat(RunFixture.only(events, "trigger.fired").path("values").isEmpty()).isFalse();
        return r;
    }

    /**
     * Deploys {@code release} (a stack of its own), and checks that the run failed and left the previous release
     * serving with every table as before.
     */
    private RunFixture.Result rolledBack(String release, String... up) throws Exception {
        stack = RehearsalStack.up(tmp.resolve(release), release, up);
        String before = stack.checksum();

        RunFixture.Result r = stack.run("exec", "--yes");

        assertThat(r.code()).as(r.console()).isEqualTo(1);
        assertThat(stack.version()).isEqualTo(PREVIOUS);
        assertThat(stack.checksum()).isEqualTo(before);
        return r;
    }

    @Test
    void aRunnerKilledMidDeployIsResumedToTheEnd() throws Exception {
        stack = RehearsalStack.up(tmp.resolve("killed"), "healthy");
        String before = stack.checksum();
        Process runner = stack.start(stack.dir.resolve("first"), "exec", "--yes");
        stack.awaitJournal(runner, Duration.ofMinutes(3),
                events -> started(events, "restart"));
        runner.destroyForcibly().waitFor();
        List<JsonNode> killed = stack.journal();
        assertThat(RunFixture.ofType(killed, "run.finished")).isEmpty();

        RunFixture.Result r = stack.run("resume", stack.runId(), "--yes");

        assertThat(r.code()).as(r.console()).isZero();
        List<JsonNode> events = stack.journal();
        for (String step : List.of("backup", "pull_code", "build", "migrate")) {
            assertThat(finished(events, step)).as("%s ran once", step).isEqualTo(1);
        }
        assertThat(status(events, "watch")).isEqualTo("ok");
        assertThat(stack.version()).isEqualTo(RELEASE);
        String after = stack.checksum();
        assertThat(after).contains(SCHEMA);
        assertNoRowLost(before, after);
    }

    @Test
    void aSecondOperatorIsRefusedByTheLockOnTheAppHost() throws Exception {
        stack = RehearsalStack.up(tmp.resolve("locked"), "healthy");
        String before = stack.checksum();
        Process first = stack.start(stack.dir.resolve("first"), "exec", "--yes");
        stack.awaitJournal(first, Duration.ofMinutes(3),
                events -> started(events, "watch"));

        // another operator, on another machine: a state directory of their own, the same app host
        Process second = stack.startElsewhere(tmp.resolve("second-operator"), "exec", "--yes");
        RunFixture.Result refused = stack.finish(second);

        assertThat(refused.code()).as(refused.console()).isEqualTo(5);
        assertThat(refused.console()).contains("lock");
        RunFixture.Result done = stack.finish(first);
        assertThat(done.code()).as(done.console()).isZero();
        assertThat(stack.version()).isEqualTo(RELEASE);
        assertNoRowLost(before, stack.checksum());
    }

    // ------------------------------------------------------------------ journal reading

    /** The status of the last step.finished of a step (an included step's id ends with it), or null. */
    static String status(List<JsonNode> events, String step) {
        String s = null;
        for (JsonNode e : RunFixture.ofType(events, "step.finished")) {
            if (isStep(e, step)) {
                s = e.path("status").asString();
            }
        }
        return s;
    }

    static boolean started(List<JsonNode> events, String step) {
        return RunFixture.ofType(events, "step.started").stream().anyMatch(e -> isStep(e, step));
    }

    /** What the last run of a step printed, stdout and stderr. */
    static String output(List<JsonNode> events, String step) {
        String out = "";
        for (JsonNode e : RunFixture.ofType(events, "step.finished")) {
            if (isStep(e, step)) {
                out = e.path("stdout").asString("") + e.path("stderr").asString("");
            }
        }
        return out;
    }

    static long finished(List<JsonNode> events, String step) {
        return RunFixture.ofType(events, "step.finished").stream().filter(e -> isStep(e, step)).count();
    }

    static boolean isStep(JsonNode e, String step) {
        String id = e.path("step").asString();
        return id.equals(step) || id.endsWith("." + step) || id.endsWith("/" + step);
    }

    static List<String> fired(List<JsonNode> events) {
        return RunFixture.ofType(events, "trigger.fired").stream().map(e -> e.path("trigger").asString()).toList();
    }

    /** Every table of the deploy's database has the rows it had before; schema_migrations has the release's 2 more. */
    static void assertNoRowLost(String before, String after) {
        for (String line : before.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 3 && !f[0].contains(".")) {
                long expected = Long.parseLong(f[1]) + (f[0].equals("schema_migrations") ? 2 : 0);
                assertThat(Long.parseLong(rows(after, f[0]))).as("rows of %s after the deploy", f[0]).isEqualTo(expected);
            }
        }
    }

    /** The row count of a table in {@code stack.sh checksum}'s output ({@code TABLE ROWS MD5} lines). */
    static String rows(String checksum, String table) {
        return checksum.lines().map(l -> l.strip().split("\\s+")).filter(f -> f.length >= 2 && f[0].equals(table))
                .map(f -> f[1]).findFirst().orElseThrow(() -> new AssertionError("no table " + table + " in:\n" + checksum));
    }
}
