package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.onlyRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.OpenSshHosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runbooks on real OpenSSH hosts ({@link OpenSshHosts}: 127.0.1.1 .. 127.0.1.20, port 2222, user rbtest), end to
 * end through the CLI: what the operator sees (exit code, console, journal) and what the commands did on the hosts
 * (files they wrote in a world-writable directory of this machine, which every "host" shares).
 */
class SshEndToEndTest extends OpenSshRunTest {

    // ---- the tests

    /**
     * The 20 hosts are one machine and one user, so they share {@code ~rbtest/.runbook/locks}, as hosts with an NFS
     * home do: the run's lock on one host must not refuse the same run on the next.
     */
    @Test
    void aFleetWhoseHostsShareAHomeDoesNotLockItselfOut() {
        Path file = RunFixture.runbook(dir, "shared-home.yml", "runbook: e2e-shared-home\nversion: 1\ntargets:\n"
                + fleet("web", hosts(3))
                + "steps:\n  - { id: one, on: web, run: \"echo one ${target.host} >> " + remote + "/log\" }\n");
        RunFixture.Result r = cli("exec", file.toString(), "--state-dir", state.toString());
        assertThat(r.code()).as(why(r)).isZero();
        assertThat(log(remote.resolve("log"))).hasSize(3);
    }

    @Test
    void twentyHostsRunEveryStepExactlyOnceInParallel() {
        StringBuilder yaml = new StringBuilder("runbook: e2e-twenty\nversion: 1\ntargets:\n")
                .append(fleet("web", hosts(20), "forks: 20")).append("steps:\n");
        for (String s : List.of("one", "two", "three")) {
            yaml.append("  - id: ").append(s).append("\n    on: web\n    run: \"")
                    .append(s.equals("one") ? "sleep 1; " : "").append("echo ").append(s)
                    .append(" ${target.host} >> ").append(remote).append("/log\"\n    timeout: 10s\n");
        }
        Path file = RunFixture.runbook(dir, "twenty.yml", yaml.toString());
        RunFixture.Result r = exec(file, state);

        assertThat(r.code()).as(why(r)).isZero();
        assertThat(r.verdict()).startsWith("verdict: SUCCEEDED");
        List<String> lines = log(remote.resolve("log"));
        assertThat(lines).hasSize(60);
        List<JsonNode> events = journal(state, onlyRun(state));
        for (String s : List.of("one", "two", "three")) {
            List<String> expected = IntStream.rangeClosed(1, 20).mapToObj(k -> s + " 127.0.1." + k).toList();
            assertThat(lines.stream().filter(l -> l.startsWith(s + " ")).toList()).containsExactlyInAnyOrderElementsOf(expected);
            List<JsonNode> perHost = hostEvents(events, s);
            assertThat(perHost.stream().map(e -> e.path("host").asString()).toList())
                    .containsExactlyInAnyOrderElementsOf(ssh.targets());
            assertThat(perHost).allSatisfy(e -> assertThat(e.path("status").asString()).isEqualTo("ok"));
            JsonNode fin = finished(events, s);
            assertThat(fin.path("fleet").asBoolean()).isTrue();
            assertThat(fin.path("stdout").asString()).isEqualTo("ok on 20 of 20 hosts");
        }
        // 20 hosts of "sleep 1" with forks 20 run at once: far less than the 20 s one after the other would take
        assertThat(finished(events, "one").path("duration_ms").asLong()).isLessThan(8000);
    }

    /** An address where nothing listens (127.0.1.250: no sshd of the environment, nor of the benchmarks, is there). */
    private static final String DOWN = "rbtest@127.0.1.250:2222";

    private Path downRunbook(String maxFail) {
        List<String> hosts = new ArrayList<>(hosts(3));
        hosts.add(1, DOWN);
        return RunFixture.runbook(dir, "down.yml", "runbook: e2e-down-" + maxFail + "\nversion: 1\ntargets:\n"
                + fleet("web", hosts, "max_fail: " + maxFail)
                + "steps:\n"
                + "  - id: deploy\n    on: web\n    run: \"echo deploy ${target.host} >> " + remote + "/log\"\n"
                + "    rollback:\n      - run: \"echo undo ${target.host} >> " + remote + "/log\"\n"
                + "  - id: restart\n    on: web\n    run: \"echo restart ${target.host} >> " + remote + "/log\"\n");
    }

    @Test
    void aHostDownWithNoFailureAllowedRollsBackTheReachableHosts() {
        RunFixture.Result r = exec(downRunbook("0"), state);

        assertThat(r.code()).as(why(r)).isEqualTo(1);
        assertThat(r.console()).contains("127.0.1.250").containsIgnoringCase("connection refused");
        List<String> lines = log(remote.resolve("log"));
        assertThat(lines).containsExactlyInAnyOrder("deploy 127.0.1.1", "deploy 127.0.1.2", "deploy 127.0.1.3",
                "undo 127.0.1.1", "undo 127.0.1.2", "undo 127.0.1.3");
        List<JsonNode> events = journal(state, onlyRun(state));
        assertThat(ofType(events, "rollback.action").stream().map(e -> e.path("host").asString()).toList())
                .contains(ssh.target(0), ssh.target(1), ssh.target(2));
        assertThat(RunFixture.last(events).path("status").asString()).isEqualTo("rolled_back");
    }

    @Test
    void aHostDownWithinMaxFailLeavesTheRunAndTheOthersSucceed() {
        RunFixture.Result r = exec(downRunbook("1"), state);

        assertThat(r.code()).as(why(r)).isZero();
        List<String> lines = log(remote.resolve("log"));
        assertThat(lines).containsExactlyInAnyOrder("deploy 127.0.1.1", "deploy 127.0.1.2", "deploy 127.0.1.3",
                "restart 127.0.1.1", "restart 127.0.1.2", "restart 127.0.1.3");
        List<JsonNode> events = journal(state, onlyRun(state));
        JsonNode dropped = RunFixture.only(events, "host.dropped");
        assertThat(dropped.path("host").asString()).isEqualTo(DOWN);
        assertThat(dropped.path("reason").asString()).containsIgnoringCase("connection refused");
        assertThat(hostEvents(events, "restart").stream().map(e -> e.path("host").asString()).toList())
                .containsExactlyInAnyOrderElementsOf(hosts(3));
        assertThat(r.console()).containsIgnoringCase("connection refused");
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNewHostKeys() throws Exception {
        try (OpenSshHosts.Sshd impostor = ssh.startExtra("127.0.7.1", true)) {
            String before = Files.readString(impostor.knownHosts());
            Path file = RunFixture.runbook(dir, "changed.yml", "runbook: e2e-changed\nversion: 1\ntargets:\n"
                    + target("one", List.of(impostor.target()), impostor.knownHosts(), ssh.key())
                    + "steps:\n  - { id: deploy, on: one, run: \"echo deploy >> " + remote + "/log\" }\n");
            for (boolean accept : List.of(false, true)) {
                Path st = dir.resolve("state-" + accept);
                RunFixture.Result r = accept ? exec(file, st, "--accept-new-host-keys") : exec(file, st);
                assertThat(r.code()).as(why(r)).isEqualTo(1);
                assertThat(r.console()).contains("CHANGED")
                        .contains("ssh-keygen -R '[127.0.7.1]:2222' -f " + impostor.knownHosts());
                assertThat(log(remote.resolve("log"))).isEmpty();
                assertThat(Files.readString(impostor.knownHosts())).isEqualTo(before);
            }
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedUntilAcceptedThenKnown() throws Exception {
        Path known = dir.resolve("known_hosts");
        Files.write(known, Files.readAllLines(ssh.knownHosts()).stream()
                .filter(l -> !l.startsWith("[127.0.1.1]:")).toList());
        Path file = RunFixture.runbook(dir, "unknown.yml", "runbook: e2e-unknown\nversion: 1\ntargets:\n"
                + target("one", List.of(ssh.target(0)), known, ssh.key())
                + "steps:\n  - { id: deploy, on: one, run: \"echo deploy ${target.host} >> " + remote + "/log\" }\n");
        String fingerprint = fingerprint(ssh.dir().resolve("ssh_host_ed25519_key.pub"));

        RunFixture.Result refused = exec(file, dir.resolve("s1"));
        assertThat(refused.code()).as(why(refused)).isEqualTo(1);
        assertThat(refused.console()).contains("SHA256:").contains(fingerprint).contains("--accept-new-host-keys");
        assertThat(log(remote.resolve("log"))).isEmpty();
        assertThat(Files.readString(known)).doesNotContain("[127.0.1.1]:2222");

        RunFixture.Result accepted = exec(file, dir.resolve("s2"), "--accept-new-host-keys");
        assertThat(accepted.code()).as(why(accepted)).isZero();
        assertThat(log(remote.resolve("log"))).containsExactly("deploy 127.0.1.1");
        assertThat(Files.readAllLines(known)).filteredOn(l -> l.startsWith("[127.0.1.1]:2222 ssh-ed25519 ")).hasSize(1);

        RunFixture.Result again = exec(file, dir.resolve("s3"));
        assertThat(again.code()).as(why(again)).isZero();
        assertThat(log(remote.resolve("log"))).containsExactly("deploy 127.0.1.1", "deploy 127.0.1.1");
    }

    /** {@code SHA256:...} of a public key, as ssh-keygen -lf prints it. */
    static String fingerprint(Path pub) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-lf", pub.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.split(" ")[1];
    }

    @Test
    void aRefusedLoginNamesTheUserAndTheKey() throws Exception {
        Path stranger = dir.resolve("stranger");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        Path file = RunFixture.runbook(dir, "auth.yml", "runbook: e2e-auth\nversion: 1\ntargets:\n"
                + target("one", List.of(ssh.target(0)), ssh.knownHosts(), stranger)
                + "steps:\n  - { id: deploy, on: one, run: \"echo deploy >> " + remote + "/log\" }\n");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        assertThat(r.console()).contains("refused to log in user rbtest").contains(stranger.toString());
        assertThat(log(remote.resolve("log"))).isEmpty();
    }

    @Test
    void anSshdKilledMidCommandFailsTheStepFastAndTheOthersRollBack() throws Exception {
        try (OpenSshHosts.Sshd dying = ssh.startExtra("127.0.7.2", false)) {
            List<String> hosts = List.of(ssh.target(0), dying.target(), ssh.target(1));
            Path file = RunFixture.runbook(dir, "killed.yml", "runbook: e2e-killed\nversion: 1\ntargets:\n"
                    + target("web", hosts, dying.knownHosts(), ssh.key())
                    + "steps:\n"
                    + "  - id: deploy\n    on: web\n    run: \"echo deploy ${target.host} >> " + remote + "/log\"\n"
                    + "    rollback:\n      - run: \"echo undo ${target.host} >> " + remote + "/log\"\n"
                    + "  - id: slow\n    on: web\n    timeout: 20s\n"
                    + "    run: \"echo slow ${target.host} >> " + remote + "/log; if [ ${target.host} = 127.0.7.2 ]; then sleep 30; fi\"\n");
            long t0 = System.nanoTime();
            CompletableFuture<RunFixture.Result> run = CompletableFuture.supplyAsync(() -> exec(file, state));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!log(remote.resolve("log")).contains("slow 127.0.7.2")) {
                assertThat(System.nanoTime()).as("the slow step started on 127.0.7.2").isLessThan(deadline);
                assertThat(run).isNotDone();
                Thread.sleep(50);
            }
            long killedAt = System.nanoTime();
            Thread.sleep(1000);
            dying.kill();
            RunFixture.Result r = run.get(60, TimeUnit.SECONDS);
            double afterKill = (System.nanoTime() - killedAt) / 1e9;

            // 127.0.7.2 cannot be rolled back (its sshd is gone): the rollback is incomplete
            assertThat(r.code()).as(why(r)).isEqualTo(3);
            assertThat(afterKill).as("seconds from the kill to the end of the run").isLessThan(20);
            List<String> lines = log(remote.resolve("log"));
            assertThat(lines).contains("undo 127.0.1.1", "undo 127.0.1.2").doesNotContain("undo 127.0.7.2");
            List<JsonNode> events = journal(state, onlyRun(state));
            JsonNode slow = hostEvents(events, "slow").stream()
                    .filter(e -> e.path("host").asString().equals(dying.target())).findFirst().orElseThrow();
            assertThat(slow.path("status").asString()).isEqualTo("failed");
            assertThat(slow.path("duration_ms").asLong()).isLessThan(19_000);
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds the whole run took").isLessThan(20);
        }
    }

    @Test
    void aTimeoutKillsTheRemoteCommand() throws Exception {
        Path file = RunFixture.runbook(dir, "timeout.yml", "runbook: e2e-timeout\nversion: 1\ntargets:\n"
                + fleet("one", List.of(ssh.target(0)))
                + "steps:\n  - id: slow\n    on: one\n    timeout: 2s\n"
                + "    run: \"sleep 300; echo late >> " + remote + "/late\"\n");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        List<JsonNode> events = journal(state, onlyRun(state));
        assertThat(finished(events, "slow").path("status").asString()).isEqualTo("timed_out");
        Thread.sleep(3000);
        Process p = new ProcessBuilder("pgrep", "-u", "rbtest", "-a", "-f", "sleep 300").redirectErrorStream(true).start();
        String left = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertThat(left).as("processes of rbtest still running 'sleep 300'").isBlank();
        assertThat(remote.resolve("late")).doesNotExist();
    }

    @Test
    void runOnceRunsOnTheFirstHostOnly() {
        Path file = RunFixture.runbook(dir, "once.yml", "runbook: e2e-once\nversion: 1\ntargets:\n"
                + fleet("web", hosts(5))
                + "steps:\n"
                + "  - { id: all, on: web, run: \"echo all ${target.host} >> " + remote + "/log\" }\n"
                + "  - { id: once, on: web, run_once: true, run: \"echo once ${target.host} >> " + remote + "/log\" }\n");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isZero();
        assertThat(log(remote.resolve("log")).stream().filter(l -> l.startsWith("once ")).toList())
                .containsExactly("once 127.0.1.1");
        List<JsonNode> events = journal(state, onlyRun(state));
        assertThat(hostEvents(events, "once")).singleElement()
                .satisfies(e -> assertThat(e.path("host").asString()).isEqualTo(ssh.target(0)));
        assertThat(hostEvents(events, "all")).hasSize(5);
    }

    @Test
    void uploadWithAModeThenDownloadEachHost() throws Exception {
        Files.createDirectories(dir.resolve("files"));
        Files.writeString(dir.resolve("files/app.env"), "RELEASE=42\nMODE=blue\n");
        Path file = RunFixture.runbook(dir, "transfer.yml", "runbook: e2e-transfer\nversion: 1\ntargets:\n"
                + fleet("web", hosts(3))
                + "steps:\n"
                + "  - { id: up, on: web, upload: { from: files/app.env, to: \"" + remote + "/${target.host}.env\", mode: \"0640\" } }\n"
                + "  - { id: mode, on: web, run: \"stat -c %a " + remote + "/${target.host}.env >> " + remote + "/modes\" }\n"
                + "  - { id: down, on: web, download: { from: \"" + remote + "/${target.host}.env\", to: \"out/${target.host}.env\" } }\n");
        RunFixture.Result r = exec(file, state);
        assertThat(r.code()).as(why(r)).isZero();
        assertThat(log(remote.resolve("modes"))).containsExactly("640", "640", "640");
        for (int k = 1; k <= 3; k++) {
            Path up = remote.resolve("127.0.1." + k + ".env");
            assertThat(up).hasContent("RELEASE=42\nMODE=blue");
            assertThat(Files.getOwner(up).getName()).isEqualTo("rbtest");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(up))).isEqualTo("rw-r-----");
            assertThat(dir.resolve("out/127.0.1." + k + ".env")).hasContent("RELEASE=42\nMODE=blue");
        }
    }

    @Test
    void shellAndFileFactsOnAnSshTargetFeedAnAssert() throws Exception {
        Files.writeString(remote.resolve("release"), "release=42\n");
        Path file = RunFixture.runbook(dir, "facts.yml", "runbook: e2e-facts\nversion: 1\ntargets:\n"
                + fleet("one", List.of(ssh.target(0)))
                + "facts:\n"
                + "  who: { on: one, shell: \"id -un; hostname\", parse: lines }\n"
                + "  uptime: { on: one, shell: \"cut -d' ' -f1 /proc/uptime\", parse: number }\n"
                + "  rel: { on: one, file: { path: \"" + remote + "/release\" }, parse: kv }\n"
                + "steps:\n"
                + "  - id: check\n    assert: \"facts.who[0] == 'rbtest' && facts.uptime > 0 && facts.rel.exists"
                + " && facts.rel.kv.release == '42'\"\n"
                + "    message: the facts were not read from the host\n"
                + "  - id: wrong\n    assert: \"facts.rel.kv.release == '43'\"\n    message: release is not 43\n");
        RunFixture.Result r = exec(file, state);
        List<JsonNode> events = journal(state, onlyRun(state));
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        assertThat(finished(events, "check").path("status").asString()).as(why(r)).isEqualTo("ok");
        assertThat(finished(events, "wrong").path("status").asString()).isEqualTo("failed");
        assertThat(r.console()).contains("release is not 43");
        assertThat(ofType(events, "fact.collected").stream().map(e -> e.path("fact").asString()).toList())
                .contains("who", "uptime", "rel");
    }
}
