package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.testing.DockerHost;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A Docker engine reached through an SSH target ({@code via}): the seed's setup, where the engine's socket is on the
 * app host and only SSH reaches that host. Real OpenSSH (as the test user, in group docker) and the real engine:
 * facts, an exec and a Compose deploy over SSH whose image is put back through the host's socket.
 */
class DockerViaSshTest extends OpenSshRunTest {

    @Test
    void aComposeDeployOverSshIsRolledBackToThePreviousImageThroughTheHostsSocket() throws Exception {
        DockerHost docker = DockerHost.require();
        String project = "rbvia" + Long.toHexString(System.nanoTime() & 0xfffffff);
        int port = DockerHost.freePort();
        Path app = remote.resolve("app");
        docker.composeProject(app, project, port, "runbook-test/busybox:${TAG:-1}");
        Set<Path> tunnelsBefore = tunnelDirs();
        try {
            docker.composeUp(app, project);
            String v1 = docker.imageId(DockerHost.IMAGE_V1);
            String v2 = docker.imageId(DockerHost.IMAGE_V2);
            Path rb = RunFixture.runbook(dir, "deploy.yml", String.join("\n",
                    "runbook: docker-via-ssh",
                    "version: 1",
                    "targets:",
                    fleet("app", hosts(1)).stripTrailing(),
                    "  engine: { docker: \"" + docker.url() + "\", via: app }",
                    "facts:",
                    "  health: { http: { url: \"http://127.0.0.1:" + port + "/health\", timeout: 2s } }",
                    "  web: { on: engine, docker: { service: web, project: " + project + " } }",
                    "  info: { on: engine, docker: info }",
                    "preconditions:",
                    "  - that: \"facts.web.running && facts.web.image == '" + v1 + "' && facts.info.api_version >= '1.41'\"",
                    "steps:",
                    "  - id: look",
                    "    on: engine",
                    "    exec: { service: web, project: " + project + ", command: \"cat /www/health; echo; id -u\" }",
                    "  - id: deploy",
                    "    on: app",
                    "    compose: { dir: \"" + app + "\", project: " + project + ", cli: docker-compose,"
                            + " command: \"up -d web\",",
                    "               env: { TAG: \"2\", DOCKER_HOST: \"" + docker.url() + "\" } }",
                    "    changes_image: { on: engine, project: " + project + ", service: web }",
                    "  - id: healthy",
                    "    wait: { until: \"facts.health.status == 200 && trim(facts.health.body) == 'ok'\","
                            + " every: 200ms, within: 3s }",
                    ""));

            RunFixture.Result plan = RunFixture.cli("plan", rb.toString());
            assertThat(plan.console()).as(plan.console())
                    .contains(docker.url() + " on the host of 'app', through its SSH connection");

            RunFixture.Result r = exec(rb, state);
            assertThat(r.code()).as(why(r)).isEqualTo(1);
            assertThat(r.verdict()).as(why(r)).contains("ROLLED BACK");
            assertThat(r.console()).as("the exec's output came back through the tunnel").contains("| v1");

            List<JsonNode> events = RunFixture.journal(state, RunFixture.onlyRun(state));
            assertThat(factValue(events, "info").path("address").asString()).as("host 1 forwards nothing")
                    .isEqualTo(docker.url() + " on " + ssh.target(0) + " (" + ssh.target(0).replaceFirst("^[^@]*@", "")
                            + "), through docker system dial-stdio over SSH");
            DockerEndToEndTest.assertPutBack(events, v1, v2);
            DockerEndToEndTest.assertServes(docker, project, port, v1, "v1");
            assertThat(tunnelDirs()).as("the local end of the tunnel is gone with the run").isEqualTo(tunnelsBefore);
        } finally {
            docker.composeDown(app, project);
        }
    }

    @Test
    void aHostThatForwardsSocketsCarriesStepsFactsAndOneOffContainers() throws Exception {
        DockerHost docker = DockerHost.require();
        String host = forwardingHost();
        String name = "rbvia" + Long.toHexString(System.nanoTime() & 0xfffffff);
        docker.docker("run", "-d", "--init", "--name", name, "--network", "none", DockerHost.IMAGE_V1, "/bin/sh", "-c",
                "echo ERROR once; exec sleep 300");
        try {
            Path rb = RunFixture.runbook(dir, "forwarded.yml", String.join("\n",
                    "runbook: docker-forwarded",
                    "version: 1",
                    "targets:",
                    fleet("app", List.of(host)).stripTrailing(),
                    "  engine: { docker: \"" + docker.url() + "\", via: app }",
                    "facts:",
                    "  info: { on: engine, docker: info }",
                    "  box: { on: engine, docker: { container: " + name + " } }",
                    "preconditions:",
                    "  - that: \"facts.box.running && facts.info.running >= 1\"",
                    "steps:",
                    "  - { id: inside, on: engine, exec: { container: " + name + ", command: \"cat /www/health; echo\" } }",
                    "  - { id: once, on: engine, container: { image: \"" + DockerHost.IMAGE_V2 + "\","
                            + " command: \"echo one-off $VERSION\", network: none } }",
                    "  - { id: bounce, on: engine, restart: { container: " + name + " } }",
                    "  - { id: check, assert: \"steps.once.stdout == 'one-off 2' && facts.box.restart_count >= 0\" }",
                    ""));
            RunFixture.Result r = exec(rb, state);
            assertThat(r.code()).as(why(r)).isZero();
            assertThat(r.console()).contains("| v1").contains("| one-off 2");
            List<JsonNode> events = RunFixture.journal(state, RunFixture.onlyRun(state));
            assertThat(factValue(events, "info").path("address").asString())
                    .isEqualTo(docker.url() + " on " + host + " (" + host.substring(host.indexOf('@') + 1)
                            + "), forwarded by SSH");
            assertThat(docker.docker("inspect", "-f", "{{.State.Running}}", name).strip()).isEqualTo("true");
        } finally {
            docker.docker("rm", "-f", name);
        }
    }

    @Test
    void aSecondOperatorOfAnEngineBehindSshIsRefusedByTheLockOnThatHost() throws Exception {
        DockerHost docker = DockerHost.require();
        String name = "rblock" + Long.toHexString(System.nanoTime() & 0xfffffff);
        docker.docker("run", "-d", "--init", "--name", name, "--network", "none", DockerHost.IMAGE_V1, "sleep", "300");
        try {
            Path rb = RunFixture.runbook(dir, "locked.yml", String.join("\n",
                    "runbook: docker-via-lock",
                    "version: 1",
                    "targets:",
                    fleet("app", List.of(ssh.target(2))).stripTrailing(),
                    "  engine: { docker: \"" + docker.url() + "\", via: app }",
                    "steps:",
                    "  - { id: deploy, on: engine, exec: { container: " + name + ", command: \"sleep 3\" } }",
                    ""));
            Path first = dir.resolve("operator-1");
            Process one = RunFixture.spawn(first, "exec", rb.toString(), "--state-dir", first.resolve("state").toString());
            RunFixture.awaitJournal(first.resolve("state"), one, java.time.Duration.ofSeconds(30),
                    events -> RunFixture.started(events, "deploy"));
            String holder = RunFixture.onlyRun(first.resolve("state"));

            RunFixture.Result refused = exec(rb, dir.resolve("operator-2"));
            assertThat(refused.code()).as(why(refused)).isEqualTo(5);
            assertThat(refused.err()).contains("is locked by").contains("run " + holder)
                    .contains(".runbook/locks/docker-via-lock--").contains(ssh.target(2));
            assertThat(one.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(one.exitValue()).isZero();
        } finally {
            docker.docker("rm", "-f", name);
        }
    }

    @Test
    void aSocketThatIsNotAnEnginesIsSaidSoWhetherItAnswersOtherwiseOrNotAtAll() throws Exception {
        DockerHost.require();
        String host = forwardingHost();
        Path chatty = remote.resolve("chatty.sock");
        Path silent = remote.resolve("silent.sock");
        List<SocketChannel> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocketChannel talks = listen(chatty); ServerSocketChannel mute = listen(silent)) {
            serve(talks, c -> c.write(ByteBuffer.wrap("220 hello, this is not Docker\r\n".getBytes(StandardCharsets.US_ASCII))));
            serve(mute, held::add); // takes the connection and never answers
            for (Path sock : List.of(chatty, silent)) {
                Path rb = RunFixture.runbook(dir, "not-engine.yml", String.join("\n",
                        "runbook: docker-via-not-an-engine",
                        "version: 1",
                        "targets:",
                        fleet("app", List.of(host)).stripTrailing(),
                        "  engine: { docker: \"unix://" + sock + "\", via: app }",
                        "steps:",
                        "  - { id: bounce, on: engine, restart: { container: web } }",
                        ""));
                RunFixture.Result r = exec(rb, dir.resolve("state-" + sock.getFileName()));
                assertThat(r.code()).as(why(r)).isEqualTo(1);
                assertThat(r.console()).as(why(r)).contains("the socket " + sock + " on " + host + " (")
                        .contains("is reached over SSH but does not answer as a Docker engine (" + (sock == chatty
                                ? "the socket answered, but not in HTTP: not a Docker engine's"
                                : "no answer from the socket within 10 s") + "); check that it is the engine's socket");
            }
        } finally {
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }

    /** A unix socket at {@code path} that anyone may connect to (the test user included). */
    private static ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        return s;
    }

    private interface OnConnect {
        void accept(SocketChannel c) throws IOException;
    }

    /** Accepts connections on a thread of its own until the server socket closes, handing each to {@code then}. */
    private static void serve(ServerSocketChannel server, OnConnect then) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    then.accept(server.accept());
                }
            } catch (IOException e) {
                // closed: the test is over
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Test
    void aTemplatedAddressThatIsNotASocketIsRefusedBeforeAnythingIsReached() {
        Path rb = RunFixture.runbook(dir, "templated.yml", String.join("\n",
                "runbook: docker-via-templated",
                "version: 1",
                "params:",
                "  engine: { type: string, default: \"unix:///var/run/docker.sock\" }",
                "targets:",
                fleet("app", hosts(1)).stripTrailing(),
                "  engine: { docker: \"${params.engine}\", via: app }",
                "steps:",
                "  - { id: bounce, on: engine, restart: { container: web } }",
                ""));
        RunFixture.Result r = exec(rb, state, "--set", "engine=tcp://127.0.0.1:2375");
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        assertThat(r.console()).contains("target 'engine' is reached via 'app': its docker: is the engine's socket on"
                + " that host, unix:///PATH (or default), not 'tcp://127.0.0.1:2375'");
    }

    @Test
    void aSocketTheHostDoesNotHaveIsSaidInOneLineWithWhatToCheck() {
        DockerHost.require();
        Path rb = RunFixture.runbook(dir, "gone.yml", String.join("\n",
                "runbook: docker-via-ssh-gone",
                "version: 1",
                "targets:",
                fleet("app", hosts(1)).stripTrailing(),
                "  engine: { docker: \"unix://" + remote.resolve("no-engine.sock") + "\", via: app }",
                "steps:",
                "  - { id: bounce, on: engine, restart: { container: web } }",
                ""));
        RunFixture.Result r = exec(rb, state);
        assertThat(r.code()).as(why(r)).isEqualTo(1);
        String line = r.console().lines().filter(l -> l.contains("cannot reach the Docker engine's socket"))
                .findFirst().orElseThrow(() -> new AssertionError(why(r)));
        assertThat(line).contains(remote.resolve("no-engine.sock") + " on " + ssh.target(0))
                .contains("the SSH server did not forward it").contains("docker system dial-stdio")
                .contains("check that the socket exists").contains("group docker").contains("AllowTcpForwarding");
        assertThat(r.console()).doesNotContain("Exception");
    }

    /** The host whose sshd forwards sockets ({@code rbtest@127.0.1.20:2222}); the others forward nothing. */
    private String forwardingHost() {
        String forwarding = System.getenv("RUNBOOK_TEST_SSH_FORWARDING_HOST");
        assertThat(forwarding).as("bench/sshd-hosts.sh names the host that forwards").isNotNull();
        return ssh.user() + "@" + forwarding + ":" + ssh.port();
    }

    /** The value of the last {@code fact.collected} of a fact. */
    private static JsonNode factValue(List<JsonNode> events, String fact) {
        return RunFixture.ofType(events, "fact.collected").stream().filter(e -> e.path("fact").asString().equals(fact))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no fact.collected of " + fact)).path("value");
    }

    private static Set<Path> tunnelDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("runbook-tunnel-")).collect(Collectors.toSet());
        }
    }
}
