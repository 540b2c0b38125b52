package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One Docker engine, reached over its API (a unix socket, or TCP with or without TLS): commands in running
 * containers, one-off containers, the state of containers and of the engine, and putting an image back under a
 * Compose service. Every failure is a {@link DockerException} with a one-line message that names the engine.
 */
public final class DockerEngine implements AutoCloseable {

    /** The oldest engine API this speaks: Docker 20.10. */
    public static final String MIN_API = "1.41";
    /** Connections at once to an engine reached over SSH: under OpenSSH's default MaxSessions (10). */
    static final int STREAMS_THROUGH_SSH = 8;

    private final DockerClient client;
    private final String url;
    private final ContainerLookup lookup;
    private final ImagePull pulls;

    private DockerEngine(DockerClient client, String url) {
        this.client = client;
        this.url = url;
        this.lookup = new ContainerLookup(client, url);
        this.pulls = new ImagePull(client, url);
    }

    /**
     * Connects to the engine at {@code url} and checks that it answers and speaks API {@link #MIN_API} or later.
     *
     * @param url   {@code unix:///path} or {@code tcp://host:port}; null for {@code DOCKER_HOST}, else
     *              {@code unix:///var/run/docker.sock}
     * @param certs null, or a directory with {@code ca.pem}, {@code cert.pem} and {@code key.pem}: TLS with them
     */
    public static DockerEngine connect(String url, Path certs) {
        return connect(url, certs, null, MIN_API, 0);
    }

    /**
     * The engine behind a local socket that leads to it over SSH, named {@code describedAs} (where it really is) in
     * every message: at most {@link #STREAMS_THROUGH_SSH} connections at once, each a stream (a session for the SSH
     * server) there.
     */
    public static DockerEngine connectThrough(Path localSocket, String describedAs) {
        return connect("unix://" + localSocket, null, describedAs, MIN_API, STREAMS_THROUGH_SSH);
    }

    /**
     * As {@link #connect(String, Path)}.
     *
     * @param describedAs    the engine's name in messages; null for the address itself
     * @param minApi         the oldest engine API accepted
     * @param maxConnections at most this many connections to the engine at once; 0 for docker-java's default
     */
    static DockerEngine connect(String url, Path certs, String describedAs, String minApi,
                                        int maxConnections) {
        String address = url != null ? url : defaultUrl(System.getenv("DOCKER_HOST"));
        DockerClient client;
        try {
            DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(address).withDockerTlsVerify(certs != null);
            if (certs != null) {
                for (String f : List.of("ca.pem", "cert.pem", "key.pem")) {
                    if (!Files.isReadable(certs.resolve(f))) {
                        throw new DockerException("cannot use the TLS certificates for the Docker engine at " + address
                                + ": " + certs.resolve(f) + " is missing or unreadable; the directory needs ca.pem, "
                                + "cert.pem and key.pem");
                    }
                }
                b.withDockerCertPath(certs.toString());
            }
            DockerClientConfig config = b.build();
            ZerodepDockerHttpClient.Builder hb = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig())
                    .connectionTimeout(Duration.ofSeconds(10));
            ZerodepDockerHttpClient http = (maxConnections > 0 ? hb.maxConnections(maxConnections) : hb).build();
            client = DockerClientImpl.getInstance(config, http);
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DockerException("invalid Docker engine address " + address + " (" + Failures.reason(e)
                    + "); write unix:///path/to/docker.sock or tcp://host:port", e);
        }
        DockerEngine engine = new DockerEngine(client, describedAs != null ? describedAs : address);
        try {
            engine.checkApi(minApi);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    static String defaultUrl(String dockerHost) {
        return dockerHost != null && !dockerHost.isBlank() ? dockerHost.strip() : "unix:///var/run/docker.sock";
    }

    private void checkApi(String minApi) {
        String api;
        try {
            client.pingCmd().exec();
            api = client.versionCmd().exec().getApiVersion();
        } catch (RuntimeException e) {
            String transport = Failures.transportProblem(e);
            throw Failures.unreachable(url, transport != null ? transport : Failures.reason(e), e);
        }
        if (api == null || compareVersions(api, minApi) < 0) {
            throw new DockerException("the Docker engine at " + url + " speaks API " + api + ", older than "
                    + minApi + (minApi.equals(MIN_API) ? " (Docker 20.10)" : "") + " which runbook needs; upgrade"
                    + " Docker on that host");
        }
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int d = Integer.compare(number(x, i), number(y, i));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static int number(String[] parts, int i) {
        String digits = i < parts.length ? parts[i].replaceAll("\\D.*", "") : "";
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    /** The engine's address, for messages and {@code target.host}. */
    public String describe() {
        return url;
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c} in the first running container of {@code s}, its output passed
     * to {@code out} line by line; kills it (and what it started) when {@code timeout} passes or the calling
     * thread is interrupted.
     *
     * @param timeout null for none
     */
    public CommandResult exec(Selector s, String command, Duration timeout, Executor.OutputListener out)
            throws InterruptedException {
        Container c = lookup.running(s);
        return new ContainerExec(client, url).run(c.getId(), ContainerLookup.name(c), command, timeout, out);
    }

    /**
     * Runs a one-off container of {@code image} (pulled when the engine lacks it) and removes it when it ends.
     *
     * @param command run by {@code /bin/sh -c}; null for the image's own command
     * @param mounts  bind mounts {@code HOST:CONTAINER[:ro]}
     * @param network {@code host} (when null) or {@code none}
     * @param timeout null for none
     */
    public CommandResult run(String image, String command, Map<String, String> env, List<String> mounts,
                             String network, Duration timeout, Executor.OutputListener out) throws InterruptedException {
        return new OneOffRun(client, url, pulls).run(image, command, env, mounts, network, timeout, out);
    }

    /** Restarts every container of {@code s}. */
    public void restart(Selector s) {
        for (Container c : lookup.required(s)) {
            act("restarting container " + ContainerLookup.name(c), () -> client.restartContainerCmd(c.getId()).withTimeout(10).exec());
        }
    }

    /** Stops every container of {@code s} (ten seconds after TERM, KILL); a stopped one stays so. */
    public void stop(Selector s) {
        for (Container c : lookup.required(s)) {
            act("stopping container " + ContainerLookup.name(c), () -> client.stopContainerCmd(c.getId()).withTimeout(10).exec());
        }
    }

    /** Starts every container of {@code s}; a running one stays so. */
    public void start(Selector s) {
        for (Container c : lookup.required(s)) {
            act("starting container " + ContainerLookup.name(c), () -> client.startContainerCmd(c.getId()).exec());
        }
    }

    /**
     * Names the image {@code image} (a name or an id) also {@code as} ({@code name:tag}, or {@code name} for
     * {@code name:latest}).
     */
    public void tag(String image, String as) {
        int slash = as.lastIndexOf('/');
        int colon = as.lastIndexOf(':');
        String repository = colon > slash ? as.substring(0, colon) : as;
        String tag = colon > slash ? as.substring(colon + 1) : "latest";
        try {
            client.tagImageCmd(image, repository, tag).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            throw new DockerException("no image " + image + " on " + url + " to tag as " + as
                    + "; pull, load or build it first, or check its name");
        } catch (RuntimeException e) {
            if (Failures.transportProblem(e) != null) {
                throw Failures.of(url, "tagging " + image, e);
            }
            throw new DockerException("cannot tag image " + image + " as " + as + " on " + url + " ("
                    + Failures.reason(e) + ")");
        }
    }

    /** Pulls {@code image} from its registry. */
    public void pull(String image) throws InterruptedException {
        pulls.pull(image);
    }

    /**
     * The state of the first container of {@code s} (running ones first): {@code exists} (false, and nothing
     * else but {@code running}, when there is none), {@code running}, {@code state}, {@code health}
     * ({@code healthy}, {@code unhealthy}, {@code starting} or {@code none}), {@code image} (its id),
     * {@code image_name}, {@code restart_count}, {@code started_at} (epoch ms) and {@code name}.
     */
    public Map<String, Object> inspect(Selector s) {
        return new ContainerFacts(client, url, lookup).inspect(s);
    }

    /**
     * The engine: {@code address} (where it was reached, as in messages), {@code version}, {@code api_version},
     * {@code containers}, {@code running}, {@code images}.
     */
    public Map<String, Object> info() {
        try {
            Info info = client.infoCmd().exec();
            Map<String, Object> fact = new LinkedHashMap<>();
            fact.put("address", url);
            fact.put("version", info.getServerVersion());
            fact.put("api_version", client.versionCmd().exec().getApiVersion());
            fact.put("containers", info.getContainers());
            fact.put("running", info.getContainersRunning());
            fact.put("images", info.getImages());
            return fact;
        } catch (RuntimeException e) {
            throw Failures.of(url, "reading the engine's info", e);
        }
    }

    /**
     * How many lines (stdout and stderr) the containers of {@code s} logged at or after {@code sinceEpochMs} that
     * {@code pattern} is found in.
     */
    public long countLogLines(Selector s, long sinceEpochMs, Pattern pattern) throws InterruptedException {
        return new ContainerFacts(client, url, lookup).countLogLines(s, sinceEpochMs, pattern);
    }

    /** The id ({@code sha256:...}) of the image the first container of the service runs (running ones first). */
    public String imageIdOf(String project, String service) {
        return lookup.required(Selector.service(project, service)).get(0).getImageId();
    }

    /**
     * Recreates every container of the service from its own configuration with image {@code imageId}, each under
     * its name, and waits until it runs; a container that cannot be is put back as it was.
     */
    public void restoreImage(String project, String service, String imageId) throws InterruptedException {
        new ImageRestore(client, url, lookup).restore(project, service, imageId);
    }

    private void act(String doing, Runnable r) {
        try {
            r.run();
        } catch (NotModifiedException e) {
            // already in the state asked for
        } catch (RuntimeException e) {
            throw Failures.of(url, doing, e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
