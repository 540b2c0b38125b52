package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine the tests use ({@code RUNBOOK_TEST_DOCKER_HOST}), a plain docker-java client on it to set up and
 * check behind the engine layer's back, and the containers one test class made, all labelled with its own id so
 * that {@link #close()} removes them.
 */
final class TestDocker implements AutoCloseable {

    static final String HOST = "RUNBOOK_TEST_DOCKER_HOST";
    static final String V1 = "runbook-test/busybox:1";
    static final String V2 = "runbook-test/busybox:2";
    static final String LABEL = "dev.runbook.test";

    final String url;
    final DockerClient client;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    private TestDocker(String url) {
        this.url = url;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(url)
                .withDockerTlsVerify(false).build();
        this.client = DockerClientImpl.getInstance(config,
                new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    /** The test engine; without one the calling test is skipped, or fails when RUNBOOK_REQUIRE_ALL is set. */
    static TestDocker require() {
        String url = System.getenv(HOST);
        if (url == null || url.isBlank()) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(HOST + " is not set, and RUNBOOK_REQUIRE_ALL says every test must run:"
                        + " .ci/run starts dockerd and exports it");
            }
            Assumptions.abort(HOST + " is not set: no Docker engine to test against");
        }
        return new TestDocker(url.strip());
    }

    /** A name no other test uses. */
    String name(String what) {
        return "rbtest-" + run + "-" + what;
    }

    /** Starts a long-running container of {@code image} running {@code sh -c command} on the host network. */
    String start(String name, String image, String command, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(LABEL, run);
        CreateContainerCmd create = client.createContainerCmd(image).withName(name).withLabels(all)
                .withCmd("/bin/sh", "-c", command)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host"));
        String id = create.exec().getId();
        client.startContainerCmd(id).exec();
        return id;
    }

    /** The image with {@code /www/health} saying v2, made from v1 when the engine lacks it. */
    String v2() throws InterruptedException {
        try {
            return client.inspectImageCmd(V2).exec().getId();
        } catch (NotFoundException e) {
            String id = client.createContainerCmd(V1).withCmd("/bin/sh", "-c", "echo v2 > /www/health")
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
            try {
                client.startContainerCmd(id).exec();
                client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
                client.commitCmd(id).withRepository("runbook-test/busybox").withTag("2").exec();
            } finally {
                client.removeContainerCmd(id).withForce(true).exec();
            }
            return client.inspectImageCmd(V2).exec().getId();
        }
    }

    String imageId(String image) {
        return client.inspectImageCmd(image).exec().getId();
    }

    /** Every container, running or not, whose name is {@code name}. */
    List<Container> named(String name) {
        return client.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec().stream()
                .filter(c -> List.of(c.getNames()).contains("/" + name)).toList();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        for (Container c : client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, run)).exec()) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone already
            }
        }
        client.close();
    }
}
