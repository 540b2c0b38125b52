package dev.runbook.exec.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContainerExecTest {

    private static TestDocker docker;
    private static DockerEngine engine;
    private static String web;

    @BeforeAll
    static void up() {
        docker = TestDocker.require();
        engine = DockerEngine.connect(docker.url, null);
        web = docker.name("web");
        docker.start(web, TestDocker.V1, "sleep 3600", Map.of(Selector.PROJECT_LABEL, docker.name("shop"),
                Selector.SERVICE_LABEL, "web"));
    }

    @AfterAll
    static void down() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void runsACommandAndStreamsItsOutputLineByLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CommandResult r = engine.exec(Selector.named(web), "echo one; echo oops >&2; printf 'two\\nthree'; exit 3",
                Duration.ofSeconds(30), (stderr, line) -> lines.add((stderr ? "E:" : "O:") + line));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("one\ntwo\nthree");
        assertThat(r.stderr()).isEqualTo("oops");
        assertThat(lines).containsSubsequence("O:one", "O:two", "O:three").contains("E:oops")
                .noneMatch(l -> l.contains(ContainerExec.PID_MARK));
    }

    @Test
    void selectsTheRunningContainerOfAComposeService() throws Exception {
        CommandResult r = engine.exec(Selector.service(docker.name("shop"), "web"), "cat /www/health", null,
                Executor.OutputListener.NONE);
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo("v1");
    }

    @Test
    void aTimeoutKillsTheCommandAndWhatItStarted() throws Exception {
        String marker = docker.run + "-slow";
        CommandResult r = engine.exec(Selector.named(web), "sleep 3001 & echo started; sleep 3002; echo " + marker,
                Duration.ofMillis(1500), Executor.OutputListener.NONE);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).isEqualTo("started");
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
        CommandResult ps = engine.exec(Selector.named(web), "ps -o args", Duration.ofSeconds(10),
                Executor.OutputListener.NONE);
        assertThat(ps.stdout()).contains("sleep 3600").doesNotContain("sleep 3001").doesNotContain("sleep 3002");
    }

    @Test
    void anInterruptKillsTheCommand() throws Exception {
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        assertThatThrownBy(() -> engine.exec(Selector.named(web), "sleep 3003", null, Executor.OutputListener.NONE))
                .isInstanceOf(InterruptedException.class);
        interrupter.join();
        Thread.interrupted();
        CommandResult ps = engine.exec(Selector.named(web), "ps -o args", Duration.ofSeconds(10),
                Executor.OutputListener.NONE);
        assertThat(ps.stdout()).doesNotContain("sleep 3003");
    }

    @Test
    void aMissingContainerIsNamedWithTheRunningOnes() {
        assertThatThrownBy(() -> engine.exec(Selector.named("no-such-" + docker.run), "true", null,
                Executor.OutputListener.NONE))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("no container named no-such-" + docker.run + " on " + docker.url + " (running: ")
                .hasMessageContaining(web)
                .hasMessageEndingWith("); check the name, or that the service is up");
    }

    @Test
    void aServiceWithoutRunningContainersIsSaidSo() {
        assertThatThrownBy(() -> engine.exec(Selector.service(docker.name("shop"), "worker"), "true", null,
                Executor.OutputListener.NONE))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("no running container of service worker in Compose project "
                        + docker.name("shop") + " on " + docker.url);
    }
}
