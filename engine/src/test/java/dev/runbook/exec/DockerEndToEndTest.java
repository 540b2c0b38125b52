package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.DockerHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The seed's deploy on a real Docker engine: a Compose service moves to a new image, its health check fails, the run
 * rolls back by itself, and the service runs the image it ran before; the journal holds both image ids.
 */
class DockerEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aFailedHealthCheckPutsTheServiceBackOnItsPreviousImage() throws Exception {
        DockerHost docker = DockerHost.require();
        String project = "rbe2e" + Long.toHexString(System.nanoTime() & 0xfffffff);
        int port = DockerHost.freePort();
        Path app = dir.resolve("app");
        docker.composeProject(app, project, port, "runbook-test/busybox:${TAG:-1}");
        try {
            docker.composeUp(app, project);
            String v1 = docker.imageId("runbook-test/busybox:1");
            String v2 = docker.imageId("runbook-test/busybox:2");
            assertThat(v1).isNotEqualTo(v2);
            assertThat(DockerHost.health(port)).isEqualTo("v1");

            Path rb = RunFixture.runbook(dir, "deploy.yml", String.join("\n",
                    "runbook: docker-e2e",
                    "version: 1",
                    "params:",
                    "  release: { type: string }",
                    "targets:",
                    "  engine: { docker: \"" + docker.url() + "\" }",
                    "facts:",
                    "  health: { http: { url: \"http://127.0.0.1:" + port + "/health\", timeout: 2s } }",
                    "steps:",
                    "  - id: deploy",
                    "    compose: { dir: app, project: " + project + ", cli: docker-compose, command: \"up -d web\",",
                    "               env: { TAG: \"${params.release}\", DOCKER_HOST: \"" + docker.url() + "\" } }",
                    "    changes_image: { on: engine, project: " + project + ", service: web }",
                    "  - id: healthy",
                    "    wait: { until: \"facts.health.status == 200 && trim(facts.health.body) == 'ok'\", every: 200ms, within: 3s }",
                    ""));
            Path state = dir.resolve("state");
            RunFixture.Result r = RunFixture.cli("exec", rb.toString(), "--state-dir", state.toString(),
                    "--set", "release=2");
            assertThat(r.code()).as(r.console()).isEqualTo(1);
            assertThat(r.verdict()).contains("ROLLED BACK");

            String runId = RunFixture.onlyRun(state);
            List<JsonNode> events = RunFixture.journal(state, runId);
            assertPutBack(events, v1, v2);
            assertServes(docker, project, port, v1, "v1");
        } finally {
            docker.composeDown(app, project);
        }
    }

    @Test
    void aRunKilledAfterTheImageChangedIsRolledBackToThePreviousImageLater() throws Exception {
        killedAfterTheImageChanged("rbkill", (state, runId) -> {
            RunFixture.Result r = RunFixture.cli("rollback", runId, "--state-dir", state.toString());
            assertThat(r.code()).as(r.console()).isEqualTo(1);
            assertThat(r.console()).contains("rollback of deploy, action 1").contains("rollback complete");
        });
    }

    @Test
    void aRunKilledAfterTheImageChangedThenResumedAndFailingPutsThePreviousImageBack() throws Exception {
        killedAfterTheImageChanged("rbresume", (state, runId) -> {
            Files.delete(dir.resolve("soak-ok")); // the release now fails its soak
            RunFixture.Result r = RunFixture.cli("resume", runId, "--state-dir", state.toString());
            assertThat(r.code()).as(r.console()).isEqualTo(1);
            assertThat(r.verdict()).contains("ROLLED BACK");
            assertThat(r.console()).contains("soak failed").contains("rollback complete");
            List<JsonNode> events = RunFixture.journal(state, runId);
            assertThat(RunFixture.ofType(events, "step.finished")).filteredOn(e -> e.path("step").asString()
                    .equals("deploy")).as("the deploy ran once, before the crash").hasSize(1);
            assertThat(RunFixture.ofType(events, "rollback.action")).anySatisfy(e -> {
                assertThat(e.path("kind").asString()).isEqualTo("restore_image");
                assertThat(e.path("status").asString()).isEqualTo("ok");
            });
        });
    }

    /** The journal holds the image before ({@code v1}) and after ({@code v2}) the step, and the restore went well. */
    static void assertPutBack(List<JsonNode> events, String v1, String v2) {
        assertThat(RunFixture.ofType(events, "image.recorded"))
                .extracting(e -> e.path("when").asString() + " " + e.path("image").asString())
                .containsExactly("before " + v1, "after " + v2);
        assertThat(RunFixture.ofType(events, "rollback.action")).anySatisfy(e -> {
            assertThat(e.path("kind").asString()).isEqualTo("restore_image");
            assertThat(e.path("status").asString()).isEqualTo("ok");
        });
    }

    /** The project's one container runs image {@code id} (asked of the engine) and serves {@code version}. */
    static void assertServes(DockerHost docker, String project, int port, String id, String version)
            throws Exception {
        List<String> containers = docker.containers(project);
        assertThat(containers).hasSize(1);
        assertThat(docker.imageOf(containers.get(0))).as("the image the service runs, from the engine's API")
                .isEqualTo(id);
        assertThat(DockerHost.health(port)).isEqualTo(version);
    }

    /** What is done with a run killed in its soak step, after its deploy moved the service to image 2. */
    private interface AfterTheKill {
        void accept(Path state, String runId) throws Exception;
    }

    /**
     * Deploys image 2 of a Compose service (recording image 1), kills the runner with SIGKILL during the soak step
     * that follows (which sleeps while {@code dir/soak-ok} exists, and fails without it), hands the run to
     * {@code then}, and checks that the service runs image 1 again afterwards.
     */
    private void killedAfterTheImageChanged(String prefix, AfterTheKill then) throws Exception {
        DockerHost docker = DockerHost.require();
        String project = prefix + Long.toHexString(System.nanoTime() & 0xfffffff);
        int port = DockerHost.freePort();
        Path app = dir.resolve("app");
        docker.composeProject(app, project, port, "runbook-test/busybox:${TAG:-1}");
        try {
            docker.composeUp(app, project);
            String v1 = docker.imageId("runbook-test/busybox:1");
            Path ok = Files.writeString(dir.resolve("soak-ok"), "");
            Path rb = RunFixture.runbook(dir, "deploy.yml", String.join("\n",
                    "runbook: docker-kill",
                    "version: 1",
                    "targets:",
                    "  engine: { docker: \"" + docker.url() + "\" }",
                    "steps:",
                    "  - id: deploy",
                    "    compose: { dir: app, project: " + project + ", cli: docker-compose, command: \"up -d web\",",
                    "               env: { TAG: \"2\", DOCKER_HOST: \"" + docker.url() + "\" } }",
                    "    changes_image: { on: engine, project: " + project + ", service: web }",
                    "  - id: soak",
                    "    run: \"if [ -e " + ok + " ]; then sleep 60; else echo soak failed; exit 1; fi\"",
                    ""));
            Path state = dir.resolve("state");
            Process runner = RunFixture.spawn(dir.resolve("runner"), "exec", rb.toString(), "--state-dir",
                    state.toString());
            RunFixture.awaitJournal(state, runner, Duration.ofSeconds(60), events -> RunFixture.started(events, "soak"));
            runner.destroyForcibly().waitFor();
            assertThat(DockerHost.health(port)).as("the new image serves").isEqualTo("v2");

            then.accept(state, RunFixture.onlyRun(state));
            assertServes(docker, project, port, v1, "v1");
        } finally {
            docker.composeDown(app, project);
        }
    }
}
