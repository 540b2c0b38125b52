package dev.runbook.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker engine of {@code bench/dockerd.sh} (started by {@code .ci/run}) with the docker CLI and docker-compose
 * v1: its two test images differ, and a compose project of {@link DockerHost#composeProject} serves the image's
 * {@code /health} on the host's loopback, carries compose's labels, and is gone after {@code down}. Skipped without
 * the engine, unless {@code RUNBOOK_REQUIRE_ALL} is set.
 */
class DockerHostTest {

    @Test
    void theTwoTestImagesHaveDifferentIdsAndHealthFiles() throws Exception {
        DockerHost docker = DockerHost.require();
        String v1 = docker.imageId(DockerHost.IMAGE_V1);
        String v2 = docker.imageId(DockerHost.IMAGE_V2);
        assertThat(v1).startsWith("sha256:");
        assertThat(v2).startsWith("sha256:").isNotEqualTo(v1);
        assertThat(docker.docker("run", "--rm", "--network", "none", DockerHost.IMAGE_V1, "cat", "/www/health").strip())
                .isEqualTo("v1");
        assertThat(docker.docker("run", "--rm", "--network", "none", DockerHost.IMAGE_V2, "cat", "/www/health").strip())
                .isEqualTo("v2");
    }

    @Test
    void aComposeProjectServesHealthCarriesComposeLabelsAndDownRemovesIt(@TempDir Path tmp) throws Exception {
        DockerHost docker = DockerHost.require();
        String project = "rbtest" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        int port = DockerHost.freePort();
        Path dir = tmp.resolve("app");
        Path file = docker.composeProject(dir, project, port, DockerHost.IMAGE_V1);
        assertThat(file).isEqualTo(dir.resolve("docker-compose.yml"));
        assertThat(Files.readString(file)).contains("version: \"2.4\"", "image: " + DockerHost.IMAGE_V1,
                "network_mode: host", "command: httpd -f -p 127.0.0.1:" + port + " -h /www");
        try {
            docker.composeUp(dir, project);
            assertThat(health(port, Duration.ofSeconds(30))).isEqualTo("v1");

            List<String> containers = docker.containers(project);
            assertThat(containers).hasSize(1);
            Map<String, String> labels = docker.labels(containers.get(0));
            assertThat(labels).containsEntry(DockerHost.PROJECT_LABEL, project)
                    .containsEntry(DockerHost.SERVICE_LABEL, "web");
            assertThat(docker.docker("container", "inspect", "--format", "{{.State.Running}} {{.HostConfig.NetworkMode}}",
                    containers.get(0)).strip()).isEqualTo("true host");
        } finally {
            docker.composeDown(dir, project);
        }
        assertThat(docker.containers(project)).isEmpty();
        assertThat(answers(port)).as("nothing serves 127.0.0.1:%s after down", port).isFalse();
    }

    /** The body of GET http://127.0.0.1:PORT/health once it answers 200, waiting at most {@code limit}. */
    private static String health(int port, Duration limit) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer";
        while (true) {
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body().strip();
                }
                last = "status " + r.statusCode() + ": " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("http://127.0.0.1:" + port + "/health does not answer 200 after " + limit
                        + ": " + last);
            }
            Thread.sleep(100);
        }
    }

    private static boolean answers(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
