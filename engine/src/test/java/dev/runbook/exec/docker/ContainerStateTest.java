package dev.runbook.exec.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ContainerStateTest extends EngineTestBase {

    @Test
    void inspectReportsAContainer() {
        String name = docker.name("facts");
        long before = System.currentTimeMillis() - 1000;
        docker.start(name, TestDocker.V1, "sleep 3600", Map.of());
        Map<String, Object> f = engine.inspect(Selector.named(name));
        assertThat(f).containsEntry("exists", true).containsEntry("running", true).containsEntry("state", "running")
                .containsEntry("health", "none").containsEntry("image", docker.imageId(TestDocker.V1))
                .containsEntry("image_name", TestDocker.V1).containsEntry("restart_count", 0)
                .containsEntry("name", name);
        assertThat((Long) f.get("started_at")).isBetween(before, System.currentTimeMillis() + 1000);
    }

    @Test
    void aMissingContainerDoesNotExistWithoutError() {
        assertThat(engine.inspect(Selector.named(docker.name("absent"))))
                .containsEntry("exists", false).containsEntry("running", false);
        assertThat(engine.inspect(Selector.service(docker.name("noproject"), "web"))).containsEntry("exists", false);
    }

    @Test
    void stopStartAndRestartChangeTheState() throws Exception {
        String project = docker.name("life");
        Map<String, String> labels = Map.of(Selector.PROJECT_LABEL, project, Selector.SERVICE_LABEL, "web");
        docker.start(docker.name("life-1"), TestDocker.V1, "trap 'exit 0' TERM; while :; do sleep 1; done", labels);
        docker.start(docker.name("life-2"), TestDocker.V1, "trap 'exit 0' TERM; while :; do sleep 1; done", labels);
        Selector web = Selector.service(project, "web");

        engine.stop(web);
        assertThat(engine.inspect(Selector.named(docker.name("life-1")))).containsEntry("running", false)
                .containsEntry("state", "exited");
        assertThat(engine.inspect(Selector.named(docker.name("life-2")))).containsEntry("running", false);
        engine.stop(web);

        engine.start(web);
        assertThat(engine.inspect(Selector.named(docker.name("life-1")))).containsEntry("running", true);
        assertThat(engine.inspect(Selector.named(docker.name("life-2")))).containsEntry("running", true);
        engine.start(web);

        long startedBefore = (Long) engine.inspect(Selector.named(docker.name("life-1"))).get("started_at");
        Thread.sleep(20);
        engine.restart(Selector.named(docker.name("life-1")));
        Map<String, Object> after = engine.inspect(Selector.named(docker.name("life-1")));
        assertThat(after).containsEntry("running", true);
        assertThat((Long) after.get("started_at")).isGreaterThan(startedBefore);
    }

    @Test
    void lifecycleCallsOnAMissingContainerSaySo() {
        assertThatThrownBy(() -> engine.restart(Selector.named(docker.name("gone"))))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("no container named " + docker.name("gone") + " on " + docker.url);
        assertThatThrownBy(() -> engine.stop(Selector.service(docker.name("gone"), "web")))
                .isInstanceOf(DockerException.class)
                .hasMessage("no container of service web in Compose project " + docker.name("gone") + " on "
                        + docker.url + "; check the project and service names, or that the service is up");
    }

    @Test
    void countsTheLogLinesSinceATimeThatMatch() throws Exception {
        String name = docker.name("logs");
        docker.start(name, TestDocker.V1, "echo 'ERROR early'; echo 'ERROR early2' >&2; sleep 2; "
                + "echo 'ERROR late'; echo 'ok late'; echo 'ERROR late err' >&2; sleep 3600", Map.of());
        Thread.sleep(1200);
        long since = System.currentTimeMillis();
        Thread.sleep(2500);
        Selector s = Selector.named(name);
        assertThat(engine.countLogLines(s, since, Pattern.compile("ERROR"))).isEqualTo(2);
        assertThat(engine.countLogLines(s, since, Pattern.compile("late"))).isEqualTo(3);
        assertThat(engine.countLogLines(s, 0, Pattern.compile("ERROR"))).isEqualTo(4);
        assertThat(engine.countLogLines(s, System.currentTimeMillis() + 60_000, Pattern.compile(""))).isZero();
    }
}
