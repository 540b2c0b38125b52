package dev.runbook.exec.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Container;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneOffRunTest extends EngineTestBase {

    private static List<Container> oneOffs() {
        return docker.client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(OneOffRun.LABEL, "true")).exec();
    }

    @Test
    void runsWithEnvAndABindMountAndIsRemovedAfterwards(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("in.txt"), "from the host\n");
        List<String> lines = new CopyOnWriteArrayList<>();
        CommandResult r = engine.run(TestDocker.V1, "echo $GREETING; cat /data/in.txt; echo bad >&2; exit 4",
                Map.of("GREETING", "hello there"), List.of(dir + ":/data:ro"), null, Duration.ofSeconds(60),
                (stderr, line) -> lines.add((stderr ? "E:" : "O:") + line));
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).isEqualTo("hello there\nfrom the host");
        assertThat(r.stderr()).isEqualTo("bad");
        assertThat(lines).contains("O:hello there", "O:from the host", "E:bad");
        assertThat(oneOffs()).isEmpty();
    }

    @Test
    void aReadOnlyMountCannotBeWrittenAndAWritableOneCan(@TempDir Path dir) throws Exception {
        CommandResult ro = engine.run(TestDocker.V1, "echo x > /data/f", Map.of(), List.of(dir + ":/data:ro"),
                "none", Duration.ofSeconds(60), Executor.OutputListener.NONE);
        assertThat(ro.exitCode()).isNotZero();
        CommandResult rw = engine.run(TestDocker.V1, "echo written > /data/f", Map.of(), List.of(dir + ":/data"),
                "none", Duration.ofSeconds(60), Executor.OutputListener.NONE);
        assertThat(rw.ok()).isTrue();
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo("written\n");
        assertThat(oneOffs()).isEmpty();
    }

    @Test
    void aTimeoutKillsAndRemovesTheContainer() throws Exception {
        long t0 = System.nanoTime();
        CommandResult r = engine.run(TestDocker.V1, "echo begun; sleep 600", Map.of(), List.of(), "host",
                Duration.ofMillis(1500), Executor.OutputListener.NONE);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).isEqualTo("begun");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(oneOffs()).isEmpty();
    }

    @Test
    void anInterruptKillsAndRemovesTheContainer() throws Exception {
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        assertThatThrownBy(() -> engine.run(TestDocker.V1, "sleep 600", Map.of(), List.of(), null, null,
                Executor.OutputListener.NONE)).isInstanceOf(InterruptedException.class);
        interrupter.join();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(oneOffs()).isEmpty();
    }

    @Test
    void aMissingImageThatCannotBePulledIsSaidSoOnOneLine() {
        assertThatThrownBy(() -> engine.run("runbook-test/absent:2", "true", Map.of(), List.of(), null,
                Duration.ofSeconds(60), Executor.OutputListener.NONE))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("image runbook-test/absent:2 is not on " + docker.url + " and cannot be pulled (")
                .hasMessageEndingWith("); load it with docker load/import, or check its name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(oneOffs()).isEmpty();
    }

    @Test
    void aBadMountIsSaidSo() {
        assertThatThrownBy(() -> engine.run(TestDocker.V1, "true", Map.of(), List.of("nocolon"), null, null,
                Executor.OutputListener.NONE))
                .isInstanceOf(DockerException.class)
                .hasMessage("invalid mount nocolon: write HOST:CONTAINER or HOST:CONTAINER:ro");
    }
}
