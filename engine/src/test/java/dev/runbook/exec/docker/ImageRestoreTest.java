package dev.runbook.exec.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageRestoreTest extends EngineTestBase {

    private static String health(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; ; i++) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (java.io.IOException e) {
                if (i > 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void putsTheOldImageBackUnderTheServiceKeepingItsConfiguration() throws Exception {
        String v2 = docker.v2();
        String v1 = docker.imageId(TestDocker.V1);
        String project = docker.name("shop");
        String name = docker.name("shop-web-1");
        int port = TestDocker.freePort();
        Map<String, String> labels = Map.of(Selector.PROJECT_LABEL, project, Selector.SERVICE_LABEL, "web",
                "com.example.tier", "front");
        docker.start(name, TestDocker.V2, "httpd -f -p 127.0.0.1:" + port + " -h /www", labels);
        assertThat(health(port)).isEqualTo("v2");
        assertThat(engine.imageIdOf(project, "web")).isEqualTo(v2);

        engine.restoreImage(project, "web", v1);

        assertThat(engine.imageIdOf(project, "web")).isEqualTo(v1);
        InspectContainerResponse now = docker.client.inspectContainerCmd(name).exec();
        assertThat(now.getImageId()).isEqualTo(v1);
        assertThat(now.getState().getRunning()).isTrue();
        assertThat(now.getConfig().getLabels()).containsAllEntriesOf(labels).containsEntry(TestDocker.LABEL, docker.run);
        assertThat(now.getHostConfig().getNetworkMode()).isEqualTo("host");
        assertThat(now.getConfig().getCmd()).containsExactly("/bin/sh", "-c", "httpd -f -p 127.0.0.1:" + port + " -h /www");
        assertThat(engine.inspect(Selector.named(name))).containsEntry("image", v1).containsEntry("running", true);
        assertThat(health(port)).isEqualTo("v1");
        assertThat(docker.client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Selector.PROJECT_LABEL, project)).exec()).hasSize(1);
    }

    @Test
    void aContainerThatCannotRunTheImageIsPutBack() throws Exception {
        String v1 = docker.imageId(TestDocker.V1);
        String project = docker.name("back");
        String name = docker.name("back-web-1");
        Map<String, String> labels = Map.of(Selector.PROJECT_LABEL, project, Selector.SERVICE_LABEL, "web");
        docker.start(name, TestDocker.V2, "grep -q v2 /www/health && sleep 3600", labels);
        String oldId = docker.named(name).get(0).getId();
        Thread.sleep(500);

        assertThatThrownBy(() -> engine.restoreImage(project, "web", v1))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("could not recreate container " + name + " on " + docker.url + " with image " + v1)
                .hasMessageContaining("exited with code 1")
                .hasMessageEndingWith("the old container is back in place");

        InspectContainerResponse back = docker.client.inspectContainerCmd(name).exec();
        assertThat(back.getId()).isEqualTo(oldId);
        assertThat(back.getState().getRunning()).isTrue();
        assertThat(docker.client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Selector.PROJECT_LABEL, project)).exec()).hasSize(1);
    }
}
