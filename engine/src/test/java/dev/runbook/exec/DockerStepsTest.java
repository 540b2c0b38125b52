package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.DockerHost;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Docker steps and facts through the CLI, on a real engine: what the operator sees when they work, and the one-line
 * errors when the engine, the container or the image is not there.
 */
class DockerStepsTest {

    @TempDir
    Path dir;
    DockerHost docker;
    String name;

    @BeforeEach
    void setUp() {
        docker = DockerHost.require();
        name = "rb-steps-" + Long.toHexString(System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        docker.docker("rm", "-f", name);
    }

    private RunFixture.Result exec(String steps, String facts) {
        Path rb = RunFixture.runbook(dir, "docker.yml", "runbook: docker-steps\nversion: 1\ntargets:\n"
                + "  engine: { docker: \"" + docker.url() + "\" }\n" + (facts.isEmpty() ? "" : "facts:\n" + facts)
                + "steps:\n" + steps);
        return RunFixture.cli("exec", rb.toString(), "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void execContainerRestartAndFactsOfAContainerThatLogsErrors() throws Exception {
        docker.docker("run", "-d", "--init", "--name", name, "--network", "host", DockerHost.IMAGE_V1, "/bin/sh", "-c",
                "echo ERROR before; sleep 1; echo ERROR one; echo fine; echo ERROR two; exec sleep 300");
        Thread.sleep(300); // the line before the run starts
        RunFixture.Result r = exec("""
                  - { id: show, on: engine, exec: { container: %1$s, command: "cat /www/health; exit 3" }, continue_on_error: true }
                  - { id: once, on: engine, container: { image: "%2$s", command: "echo in a one-off $GREETING", env: { GREETING: hi } } }
                  - { id: wait_logs, wait: { until: "facts.errors == 2", every: 200ms, within: 5s } }
                  - { id: bounce, on: engine, restart: { container: %1$s } }
                  - { id: name_it, on: engine, tag: { image: "%2$s", as: "runbook-test/tagged:%1$s" } }
                  - { id: state, assert: "facts.web.running && facts.web.restart_count >= 0 && facts.web.name == '%1$s'" }
                """.formatted(name, DockerHost.IMAGE_V1), """
                  errors: { on: engine, logs: { container: %1$s, pattern: "ERROR" } }
                  web: { on: engine, docker: { container: %1$s } }
                """.formatted(name));
        assertThat(r.code()).as(r.console()).isZero();
        assertThat(r.console()).contains("| v1").contains("show failed").contains("exit code 3")
                .contains("| in a one-off hi");
        List<JsonNode> events = RunFixture.journal(dir.resolve("state"), RunFixture.onlyRun(dir.resolve("state")));
        assertThat(RunFixture.ofType(events, "fact.collected")).filteredOn(e -> e.path("fact").asString().equals("errors"))
                .last().satisfies(e -> assertThat(e.path("value").asLong()).as("ERROR lines since the run started")
                        .isEqualTo(2));
        assertThat(docker.imageId("runbook-test/tagged:" + name)).as("the tag names the image")
                .isEqualTo(docker.imageId(DockerHost.IMAGE_V1));
        docker.docker("rmi", "runbook-test/tagged:" + name);
        assertThat(docker.docker("ps", "-a", "-q", "--filter", "label=dev.runbook.one-off=true").strip())
                .as("the one-off container was removed").isEmpty();
    }

    @Test
    void aMissingContainerAMissingImageAndAnEngineThatIsNotThereEachSayWhatToDo() {
        RunFixture.Result missing = exec("  - { id: x, on: engine, exec: { container: " + name + ", command: \"true\" } }\n", "");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.console()).contains("no container named " + name + " on " + docker.url())
                .contains("check the name, or that the service is up");

        RunFixture.Result image = exec("  - { id: x, on: engine, container: { image: \"runbook-test/absent:9\" } }\n", "");
        assertThat(image.code()).isEqualTo(1);
        assertThat(image.console()).contains("image runbook-test/absent:9 is not on " + docker.url())
                .contains("load it with docker load/import, or check its name");

        Path rb = RunFixture.runbook(dir, "gone.yml", "runbook: docker-gone\nversion: 1\ntargets:\n"
                + "  engine: { docker: \"unix://" + dir.resolve("no-engine.sock") + "\" }\n"
                + "steps:\n  - { id: x, on: engine, restart: { container: web } }\n");
        RunFixture.Result gone = RunFixture.cli("exec", rb.toString(), "--state-dir", dir.resolve("state2").toString());
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.console()).contains("cannot reach the Docker engine at unix://" + dir.resolve("no-engine.sock"))
                .contains("is dockerd running?").doesNotContain("Exception");
    }

    @Test
    void anEngineOverTcpWithTlsIsReachedWithItsCertificatesAndRefusedWithout() throws Exception {
        String tls = System.getenv("RUNBOOK_TEST_DOCKER_TLS_HOST");
        String certs = System.getenv("RUNBOOK_TEST_DOCKER_CERTS");
        if (tls == null || certs == null) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError("RUNBOOK_TEST_DOCKER_TLS_HOST/CERTS are not set: .ci/run starts dockerd with"
                        + " TLS (bench/dockerd.sh)");
            }
            org.junit.jupiter.api.Assumptions.abort("no Docker engine with TLS to test against");
        }
        Path rb = RunFixture.runbook(dir, "tls.yml", "runbook: docker-tls\nversion: 1\ntargets:\n"
                + "  engine: { docker: \"" + tls + "\", certs: \"" + certs + "\" }\n"
                + "facts:\n  info: { on: engine, docker: info }\n"
                + "steps:\n  - { id: once, on: engine, container: { image: \"" + DockerHost.IMAGE_V1
                + "\", command: \"echo over tls\" } }\n  - { id: check, assert: \"facts.info.api_version >= '1.41'\" }\n");
        RunFixture.Result r = RunFixture.cli("exec", rb.toString(), "--state-dir", dir.resolve("state").toString());
        assertThat(r.code()).as(r.console()).isZero();
        assertThat(r.console()).contains("| over tls");

        Path none = RunFixture.runbook(dir, "plain.yml", "runbook: docker-plain\nversion: 1\ntargets:\n"
                + "  engine: { docker: \"" + tls + "\" }\nsteps:\n  - { id: x, on: engine, pull: \"a:b\" }\n");
        RunFixture.Result refused = RunFixture.cli("exec", none.toString(), "--state-dir", dir.resolve("s2").toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.console()).contains("the Docker engine at " + tls + " speaks TLS: give the target its"
                + " client certificates (certs: a directory with ca.pem, cert.pem and key.pem)").doesNotContain("Exception:");
    }

    @Test
    void aPullFromARegistryBringsTheImageAndATagNamesIt() throws Exception {
        String registry = System.getenv("RUNBOOK_TEST_REGISTRY");
        if (registry == null) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError("RUNBOOK_TEST_REGISTRY is not set: .ci/run starts a registry (bench/dockerd.sh)");
            }
            org.junit.jupiter.api.Assumptions.abort("no registry to pull from");
        }
        String remote = registry + "/runbook-test/" + name + ":1";
        docker.docker("tag", DockerHost.IMAGE_V1, remote);
        docker.docker("push", remote);
        docker.docker("rmi", remote);
        try {
            RunFixture.Result r = exec("""
                      - { id: fetch, on: engine, pull: "%1$s" }
                      - { id: name_it, on: engine, tag: { image: "%1$s", as: "runbook-test/%2$s:pulled" } }
                    """.formatted(remote, name), "");
            assertThat(r.code()).as(r.console()).isZero();
            assertThat(docker.imageId(remote)).isEqualTo(docker.imageId(DockerHost.IMAGE_V1));
            assertThat(docker.imageId("runbook-test/" + name + ":pulled")).isEqualTo(docker.imageId(DockerHost.IMAGE_V1));
        } finally {
            docker.docker("rmi", remote, "runbook-test/" + name + ":pulled");
        }
    }
}
