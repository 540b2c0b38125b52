package dev.runbook.exec.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineConnectTest {

    @Test
    void aMissingSocketSaysTheEngineCannotBeReachedOnOneLine() {
        assertThatThrownBy(() -> DockerEngine.connect("unix:///tmp/nothing.sock", null))
                .isInstanceOf(DockerException.class)
                .hasMessageStartingWith("cannot reach the Docker engine at unix:///tmp/nothing.sock: ")
                .hasMessageEndingWith("; is dockerd running? (set the target's docker: URL, or DOCKER_HOST)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aClosedPortSaysConnectionRefused() {
        assertThatThrownBy(() -> DockerEngine.connect("tcp://127.0.0.1:1", null))
                .isInstanceOf(DockerException.class)
                .hasMessage("cannot reach the Docker engine at tcp://127.0.0.1:1: connection refused;"
                        + " is dockerd running? (set the target's docker: URL, or DOCKER_HOST)");
    }

    @Test
    void missingCertificatesAreNamed(@TempDir Path certs) {
        assertThatThrownBy(() -> DockerEngine.connect("tcp://127.0.0.1:1", certs))
                .isInstanceOf(DockerException.class)
                .hasMessageContaining(certs.resolve("ca.pem").toString())
                .hasMessageContaining("needs ca.pem, cert.pem and key.pem");
    }

    @Test
    void theDefaultAddressIsDockerHostElseTheUsualSocket() {
        assertThat(DockerEngine.defaultUrl(null)).isEqualTo("unix:///var/run/docker.sock");
        assertThat(DockerEngine.defaultUrl(" ")).isEqualTo("unix:///var/run/docker.sock");
        assertThat(DockerEngine.defaultUrl("tcp://h:2375")).isEqualTo("tcp://h:2375");
        assertThat(DockerEngine.compareVersions("1.40", "1.41")).isNegative();
        assertThat(DockerEngine.compareVersions("1.43", "1.41")).isPositive();
        assertThat(DockerEngine.compareVersions("1.41", "1.41")).isZero();
    }

    @Test
    void connectsDescribesAndReportsTheEngine() throws Exception {
        try (TestDocker docker = TestDocker.require(); DockerEngine engine = DockerEngine.connect(docker.url, null)) {
            assertThat(engine.describe()).isEqualTo(docker.url);
            Map<String, Object> info = engine.info();
            assertThat(info).containsKeys("version", "api_version", "containers", "running", "images");
            assertThat((String) info.get("version")).matches("\\d+\\.\\d+.*");
            assertThat(DockerEngine.compareVersions((String) info.get("api_version"), DockerEngine.MIN_API)).isNotNegative();
            assertThat((Integer) info.get("images")).isPositive();
            assertThat((Integer) info.get("containers")).isGreaterThanOrEqualTo((Integer) info.get("running"));
        }
    }

    @Test
    void anEngineOlderThanNeededIsRefusedOnOneLineWithTheFix() throws Exception {
        try (TestDocker docker = TestDocker.require()) {
            // the real engine (API 1.41), asked for an API no engine speaks yet: what an old engine meets
            assertThatThrownBy(() -> DockerEngine.connect(docker.url, null, null, "9.99", 0))
                    .isInstanceOf(DockerException.class)
                    .hasMessageMatching("the Docker engine at \\Q" + docker.url + "\\E speaks API 1\\.\\d+, older than 9\\.99"
                            + " which runbook needs; upgrade Docker on that host");
        }
    }

    @Test
    void pullingFromAnUnreachableRegistryFailsClearly() throws Exception {
        try (TestDocker docker = TestDocker.require(); DockerEngine engine = DockerEngine.connect(docker.url, null)) {
            assertThatThrownBy(() -> engine.pull("runbook-test/absent:9"))
                    .isInstanceOf(DockerException.class)
                    .hasMessageStartingWith("cannot pull image runbook-test/absent:9 on " + docker.url + " (")
                    .hasMessageEndingWith("); check its name, and that the engine reaches its registry")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
