package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.onlyRun;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Rolling batches ({@code serial}), {@code max_fail} within and across batches, and resume, on real OpenSSH hosts. */
class FleetRolloutTest extends OpenSshRunTest {

    /** Two steps a and b on a fleet of n hosts, each writing "STEP HOST" to the log, with a rollback for each. */
    private Path twoSteps(String name, int n, String settings, String aExtra, String bCommandPrefix) {
        return RunFixture.runbook(dir, name + ".yml", "runbook: " + name + "\nversion: 1\ntargets:\n"
                + fleet("web", hosts(n), settings.split("\n"))
                + "steps:\n"
                + "  - id: a\n    on: web\n    run: \"" + aExtra + "echo a ${target.host} >> " + remote + "/log\"\n"
                + "    rollback:\n      - run: \"echo undo-a ${target.host} >> " + remote + "/log\"\n"
                + "  - id: b\n    on: web\n    run: \"" + bCommandPrefix + "echo b ${target.host} >> " + remote + "/log\"\n"
                + "    rollback:\n      - run: \"echo undo-b ${target.host} >> " + remote + "/log\"\n");
    }

    private static String addr(int k) {
        return "127.0.1." + k;
    }

    @Test
    void serialFiveOverTwentyHostsGoesBatchByBatch() {
        Path file = twoSteps("e2e-serial", 20, "serial: 5\nforks: 20", "", "");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isZero();

        List<JsonNode> events = journal(state, onlyRun(state));
        List<JsonNode> batches = ofType(events, "rollout.batch");
        assertThat(batches).hasSize(4);
        List<String> lines = log(remote.resolve("log"));
        assertThat(lines).hasSize(40);
        int lastOfPrevious = -1;
        for (int b = 0; b < 4; b++) {
            JsonNode e = batches.get(b);
            assertThat(e.path("batch").asInt()).isEqualTo(b + 1);
            assertThat(e.path("of").asInt()).isEqualTo(4);
            List<String> hosts = new ArrayList<>();
            e.path("hosts").forEach(h -> hosts.add(h.asString()));
            assertThat(hosts).isEqualTo(ssh.targets().subList(5 * b, 5 * b + 5));
            List<String> steps = new ArrayList<>();
            e.path("steps").forEach(s -> steps.add(s.asString()));
            assertThat(steps).containsExactly("a", "b");
            // in the log: every line of this batch's hosts after every line of the batch before
            List<Integer> at = new ArrayList<>();
            for (int k = 5 * b + 1; k <= 5 * b + 5; k++) {
                for (String s : List.of("a", "b")) {
                    int i = lines.indexOf(s + " " + addr(k));
                    assertThat(i).as(s + " " + addr(k) + " in the log").isNotNegative();
                    at.add(i);
                }
            }
            assertThat(at.stream().mapToInt(Integer::intValue).min().orElseThrow()).isGreaterThan(lastOfPrevious);
            lastOfPrevious = at.stream().mapToInt(Integer::intValue).max().orElseThrow();
            // and in the journal: the batch event comes after every step.host of the batch before
            long seq = e.path("seq").asLong();
            List<String> previous = b == 0 ? List.of() : ssh.targets().subList(5 * b - 5, 5 * b);
            assertThat(ofType(events, "step.host").stream().filter(h -> previous.contains(h.path("host").asString())))
                    .allSatisfy(h -> assertThat(h.path("seq").asLong()).isLessThan(seq));
        }
        assertThat(hostEvents(events, "a")).hasSize(20);
        assertThat(hostEvents(events, "b")).hasSize(20);
    }

    @Test
    void oneFailureWithinMaxFailRollsThatHostBackAlone() {
        Path file = twoSteps("e2e-tolerated", 10, "serial: 5\nmax_fail: 1", "",
                "[ ${target.host} != 127.0.1.7 ] && ");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isZero();
        List<String> lines = log(remote.resolve("log"));
        // the failed step's compensation first, then that of the step the host completed before
        assertThat(lines.stream().filter(l -> l.startsWith("undo")).toList())
                .containsExactly("undo-b 127.0.1.7", "undo-a 127.0.1.7");
        assertThat(lines.stream().filter(l -> l.startsWith("b ")).toList()).hasSize(9).doesNotContain("b 127.0.1.7");
        List<JsonNode> events = journal(state, onlyRun(state));
        JsonNode dropped = RunFixture.only(events, "host.dropped");
        assertThat(dropped.path("host").asString()).isEqualTo(ssh.target(6));
        assertThat(dropped.path("rolled_back").asBoolean()).isTrue();
        assertThat(ofType(events, "rollback.action")).hasSize(2)
                .allSatisfy(e -> assertThat(e.path("host").asString()).isEqualTo(ssh.target(6)));
    }

    @Test
    void twoFailuresInABatchOverMaxFailStopAndRollBackEveryHostChanged() {
        Path file = twoSteps("e2e-over", 20, "serial: 5\nmax_fail: 1", "",
                "[ ${target.host} != 127.0.1.7 ] && [ ${target.host} != 127.0.1.8 ] && ");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        List<String> lines = log(remote.resolve("log"));
        // batches 3 and 4 never started
        assertThat(lines).noneMatch(l -> IntStream.rangeClosed(11, 20).anyMatch(k -> l.endsWith(" " + addr(k))));
        for (int k = 1; k <= 10; k++) {
            assertThat(lines).as("host " + k).contains("undo-a " + addr(k));
            if (k != 7 && k != 8) {
                // b completed there: undone before a (reverse order of completion)
                assertThat(lines.indexOf("undo-b " + addr(k))).as("undo-b of host " + k).isNotNegative()
                        .isLessThan(lines.indexOf("undo-a " + addr(k)));
            }
        }
        List<JsonNode> events = journal(state, onlyRun(state));
        assertThat(ofType(events, "rollback.action")).allSatisfy(e -> assertThat(e.path("host").asString()).isNotBlank());
        assertThat(RunFixture.last(events).path("status").asString()).isEqualTo("rolled_back");
        assertThat(r.console()).contains("max_fail");
    }

    @Test
    void aKilledRolloutResumesWithoutRunningAnyHostTwice() throws Exception {
        Path file = twoSteps("e2e-resume", 10, "serial: 2", "sleep 1; ", "");
        List<String> args = new ArrayList<>(List.of("exec", file.toString(), "--state-dir", state.toString()));
        Process child = RunFixture.spawn(dir.resolve("child"), args.toArray(String[]::new));
        try {
            try {
                RunFixture.awaitJournal(state, child, Duration.ofSeconds(60), events -> ofType(events, "rollout.batch")
                        .stream().anyMatch(e -> e.path("batch").asInt() == 2));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the child's console:\n"
                        + RunFixture.read(dir.resolve("child/child.out")) + RunFixture.read(dir.resolve("child/child.err")), e);
            }
            RunFixture.kill("KILL", child.pid());
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        Thread.sleep(1500); // a remote command the dead runner left behind would finish meanwhile
        String runId = onlyRun(state);
        List<String> resume = new ArrayList<>(List.of("resume", runId, "--state-dir", state.toString()));
        RunFixture.Result r = RunFixture.cli(resume.toArray(String[]::new));
        assertThat(r.code()).as(why(r)).isZero();

        List<String> lines = log(remote.resolve("log"));
        for (int k = 1; k <= 10; k++) {
            for (String s : List.of("a", "b")) {
                String line = s + " " + addr(k);
                assertThat(lines.stream().filter(line::equals).count()).as(line + " in\n" + String.join("\n", lines))
                        .isEqualTo(1);
            }
        }
        assertThat(lines).hasSize(20);
        List<JsonNode> events = journal(state, runId);
        assertThat(hostEvents(events, "a").stream().map(e -> e.path("host").asString()).distinct()).hasSize(10);
    }

    @Test
    void aRunKilledMidStepIsRolledBackOnTheHostsThatWereRunningIt() throws Exception {
        Path file = twoSteps("e2e-inflight", 4, "", "sleep 3; ", "");
        Process child = RunFixture.spawn(dir.resolve("child"), "exec", file.toString(), "--state-dir", state.toString());
        try {
            RunFixture.awaitJournal(state, child, Duration.ofSeconds(60),
                    events -> ofType(events, "host.started").size() == 4);
            RunFixture.kill("KILL", child.pid());
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        Thread.sleep(3500); // a remote command the dead runner left behind would finish meanwhile
        assertThat(log(remote.resolve("log"))).as("the killed step's commands died with the runner").isEmpty();

        RunFixture.Result r = RunFixture.cli("rollback", onlyRun(state), "--state-dir", state.toString());
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        List<String> lines = log(remote.resolve("log"));
        assertThat(lines).as("each host the step was running on is compensated, once")
                .containsExactlyInAnyOrder("undo-a " + addr(1), "undo-a " + addr(2), "undo-a " + addr(3), "undo-a " + addr(4));
    }
}
