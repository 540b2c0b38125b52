package dev.runbook.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Docker engine for tests: the dockerd that {@code bench/dockerd.sh start DIR} runs ({@code .ci/run} starts
 * one under its temporary directory), with no bridge and no iptables, so containers use {@code network_mode: host}.
 * It is named by the environment that {@code DIR/env} exports:
 *
 * <pre>
 *   RUNBOOK_TEST_DOCKER_HOST   unix://DIR/docker.sock
 * </pre>
 *
 * <p>{@code DOCKER_HOST} is deliberately not set: a test names the engine it uses ({@link #url()}, {@link #env()}).
 * The engine holds two test images made by {@code docker import} of a busybox-static root file system,
 * {@link #IMAGE_V1} and {@link #IMAGE_V2}: they differ in {@code /www/health} ("v1", "v2"), so their image ids differ.
 * {@code httpd -f -p 127.0.0.1:PORT -h /www} in one serves {@code http://127.0.0.1:PORT/health}
 * ({@link #composeProject}).
 *
 * <p>{@link #require()} skips the calling test when the variable is not set, or fails it when
 * {@code RUNBOOK_REQUIRE_ALL} is set (as {@code .ci/run} does). {@link #docker} runs the docker CLI against the
 * engine, {@link #composeUp}/{@link #composeDown} Debian's docker-compose (v1, {@code /usr/bin/docker-compose}).
 * The engine is Docker 20.10 (API 1.41): the CLI gets {@code DOCKER_API_VERSION=1.41}, which a newer client
 * (e.g. 28) needs to talk to it.
 */
public final class DockerHost {

    public static final String HOST = "RUNBOOK_TEST_DOCKER_HOST";
    /** The API version of the engine (Docker 20.10), given to the CLI as DOCKER_API_VERSION. */
    public static final String API_VERSION = "1.41";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String IMAGE_V1 = "runbook-test/busybox:1";
    public static final String IMAGE_V2 = "runbook-test/busybox:2";
    public static final Path COMPOSE = Path.of("/usr/bin/docker-compose");
    public static final String PROJECT_LABEL = "com.docker.compose.project";
    public static final String SERVICE_LABEL = "com.docker.compose.service";

    /** What docker-compose v1 keeps of a project name (it lowercases and drops anything else): ask for no more. */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final long TIMEOUT_SECONDS = 180;

    private final String url;

    DockerHost(String url) {
        this.url = url;
    }

    /**
     * The engine of the environment; without it ({@code RUNBOOK_TEST_DOCKER_HOST} unset or blank) the calling test is
     * skipped, or fails when {@code RUNBOOK_REQUIRE_ALL} is set.
     */
    public static DockerHost require() {
        Optional<DockerHost> host = fromEnv(System.getenv());
        if (host.isEmpty()) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(HOST + " is not set, and RUNBOOK_REQUIRE_ALL says every test must run:"
                        + " .ci/run starts dockerd (bench/dockerd.sh start DIR, then source DIR/env)");
            }
            Assumptions.abort(HOST + " is not set: no Docker engine to test against"
                    + " (bench/dockerd.sh start /tmp/rb-docker && source /tmp/rb-docker/env)");
        }
        return host.get();
    }

    /** The engine an environment names, or empty when it names none. */
    public static Optional<DockerHost> fromEnv(Map<String, String> env) {
        String url = env.get(HOST);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        url = url.trim();
        if (!url.startsWith("unix://") && !url.startsWith("tcp://")) {
            throw new AssertionError(HOST + " is not a Docker host URL (unix://PATH or tcp://HOST:PORT): " + url);
        }
        return Optional.of(new DockerHost(url));
    }

    /** The engine's address, as DOCKER_HOST takes it: {@code unix:///tmp/runbook-ci.XXXXXX/docker/docker.sock}. */
    public String url() {
        return url;
    }

    /**
     * The environment a docker client needs to reach this engine and no other: DOCKER_HOST, DOCKER_API_VERSION
     * (to add to a process's environment; {@link #docker} and {@link #composeUp} also drop DOCKER_CONTEXT,
     * DOCKER_TLS_VERIFY and DOCKER_CERT_PATH).
     */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOCKER_HOST", url);
        env.put("DOCKER_API_VERSION", API_VERSION);
        return env;
    }

    /** Runs {@code docker ARGS...} against the engine; its stdout, or an IOException with its stderr. */
    public String docker(String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(Arrays.asList(args));
        return run(argv, null);
    }

    /** The id of an image ({@code sha256:...}). */
    public String imageId(String ref) throws IOException {
        return docker("image", "inspect", "--format", "{{.Id}}", ref).strip();
    }

    /**
     * {@code GET /v1.41/PATH} asked of the engine's API directly (HTTP/1.0 on its unix socket, no client library, no
     * CLI), its JSON body read.
     */
    public JsonNode api(String path) throws IOException {
        if (!url.startsWith("unix://")) {
            throw new IllegalStateException("the API is asked on a unix socket; this engine is " + url);
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(url.substring("unix://".length())))) {
            ch.write(ByteBuffer.wrap(("GET /v" + API_VERSION + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            String response = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.split(" ", 3)[1].equals("200") || body < 0) {
                throw new IOException("GET " + path + " of " + url + ": " + response.lines().findFirst().orElse(""));
            }
            return JSON.readTree(response.substring(body + 4));
        }
    }

    /** The image id a container runs, asked of the engine's API ({@code GET /containers/ID/json}, its Image). */
    public String imageOf(String container) throws IOException {
        return api("/containers/" + container + "/json").path("Image").asString();
    }

    /** The ids (full) of the containers of a compose project, running or not. */
    public List<String> containers(String project) throws IOException {
        String out = docker("ps", "--all", "--quiet", "--no-trunc", "--filter", "label=" + PROJECT_LABEL + "=" + project);
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A container's labels. */
    public Map<String, String> labels(String container) throws IOException {
        String out = docker("container", "inspect", "--format",
                "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{\"\\n\"}}{{end}}", container);
        Map<String, String> labels = new LinkedHashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            labels.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return labels;
    }

    /**
     * Writes {@code dir/docker-compose.yml} (creating {@code dir}): compose file version 2.4, one service {@code web}
     * of {@code image} on the host's network that runs {@code httpd -f -p 127.0.0.1:PORT -h /www}, so that
     * {@code http://127.0.0.1:PORT/health} answers the image's version ("v1" for {@link #IMAGE_V1}). It runs under
     * docker's init, so that it stops at once. Returns the file; {@code docker-compose -p project} runs it
     * ({@link #composeUp}).
     */
    public Path composeProject(Path dir, String project, int port, String image) throws IOException {
        checkProject(project);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("docker-compose.yml");
        String yml = "# compose project " + project + ": docker-compose -p " + project + " up -d\n"
                + "version: \"2.4\"\n"
                + "services:\n"
                + "  web:\n"
                + "    image: " + image + "\n"
                + "    network_mode: host\n"
                + "    init: true\n"
                + "    command: httpd -f -p 127.0.0.1:" + port + " -h /www\n";
        Files.writeString(file, yml);
        return file;
    }

    /** {@code docker-compose -p PROJECT up -d} in {@code dir} (its docker-compose.yml); returns its output. */
    public String composeUp(Path dir, String project) throws IOException {
        return compose(dir, project, "up", "-d");
    }

    /** {@code docker-compose -p PROJECT down --remove-orphans --timeout 5} in {@code dir}; returns its output. */
    public String composeDown(Path dir, String project) throws IOException {
        return compose(dir, project, "down", "--remove-orphans", "--timeout", "5");
    }

    /** {@code docker-compose -p PROJECT -f dir/docker-compose.yml ARGS...} (v1) in {@code dir}, against the engine. */
    public String compose(Path dir, String project, String... args) throws IOException {
        checkProject(project);
        if (!Files.isExecutable(COMPOSE)) {
            throw new AssertionError("no " + COMPOSE + ": apt-get install docker-compose (Debian's v1)");
        }
        List<String> argv = new ArrayList<>(List.of(COMPOSE.toString(), "--ansi", "never", "-p", project,
                "-f", dir.resolve("docker-compose.yml").toString()));
        argv.addAll(Arrays.asList(args));
        return run(argv, dir);
    }

    /**
     * What {@code http://127.0.0.1:PORT/health} answers (stripped): the version of the image a {@link #composeProject}
     * service runs; asked again for up to about five seconds while nothing listens yet.
     */
    public static String health(int port) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newHttpClient();
        for (int i = 0; ; i++) {
            try {
                return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (IOException e) {
                if (i > 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** A TCP port free on 127.0.0.1 right now (for a container on the host's network to listen on). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void checkProject(String project) {
        if (project == null || !PROJECT.matcher(project).matches()) {
            throw new IllegalArgumentException("a compose project name is [a-z0-9][a-z0-9_-]* (docker-compose v1"
                    + " would rewrite it): " + project);
        }
    }

    /** Runs argv (in dir, if not null) with the engine's environment; its stdout, or an IOException with stderr. */
    private String run(List<String> argv, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.remove("DOCKER_CONTEXT");
        env.remove("DOCKER_TLS_VERIFY");
        env.remove("DOCKER_CERT_PATH");
        env.putAll(env());
        // Files, not pipes: neither stream can fill up and block the process while the other is read.
        Path out = Files.createTempFile("rb-docker-out-", ".txt");
        Path err = Files.createTempFile("rb-docker-err-", ".txt");
        try {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            boolean ended;
            try {
                ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted: " + String.join(" ", argv), e);
            }
            if (!ended) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " still runs after " + TIMEOUT_SECONDS + " s: "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " exited " + p.exitValue() + " (DOCKER_HOST=" + url
                        + "): " + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Override
    public String toString() {
        return "DockerHost[" + url + "]";
    }
}
