package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A one-off container: created (the image pulled when the engine lacks it), started, its logs streamed, its exit
 * code waited for, and removed whatever happens, killed first when it runs past its timeout or the caller is
 * interrupted.
 */
final class OneOffRun {

    /** The label that marks the containers a run starts, so that a leftover one can be told apart. */
    static final String LABEL = "dev.runbook.one-off";

    private final DockerClient client;
    private final String url;
    private final ImagePull pull;

    OneOffRun(DockerClient client, String url, ImagePull pull) {
        this.client = client;
        this.url = url;
        this.pull = pull;
    }

    CommandResult run(String image, String command, Map<String, String> env, List<String> mounts, String network,
                      Duration timeout, Executor.OutputListener out) throws InterruptedException {
        long started = System.nanoTime();
        String id = create(image, command, env, mounts, network);
        FrameLines logs = new FrameLines(out);
        boolean timedOut = false;
        boolean interrupted = false;
        try {
            client.startContainerCmd(id).exec();
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
            if (timeout == null) {
                logs.awaitCompletion();
            } else {
                long left = timeout.toMillis() - (System.nanoTime() - started) / 1_000_000;
                timedOut = !logs.awaitCompletion(Math.max(1, left), TimeUnit.MILLISECONDS);
            }
            int code = timedOut ? -1 : client.waitContainerCmd(id).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(60, TimeUnit.SECONDS);
            logs.closeQuietly();
            return new CommandResult(code, logs.text(false), logs.text(true), timedOut,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.interrupted();
            throw e;
        } catch (RuntimeException e) {
            throw Failures.of(url, "running a container of image " + image, e);
        } finally {
            logs.closeQuietly();
            remove(id);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String create(String image, String command, Map<String, String> env, List<String> mounts, String network) {
        List<Bind> binds = new ArrayList<>();
        for (String m : mounts) {
            try {
                binds.add(Bind.parse(m));
            } catch (RuntimeException e) {
                throw new DockerException("invalid mount " + m + ": write HOST:CONTAINER or HOST:CONTAINER:ro");
            }
        }
        List<String> vars = new ArrayList<>();
        env.forEach((k, v) -> vars.add(k + "=" + v));
        CreateContainerCmd create = client.createContainerCmd(image).withLabels(Map.of(LABEL, "true")).withEnv(vars)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network == null ? "host" : network)
                        .withBinds(binds));
        if (command != null) {
            create.withEntrypoint("/bin/sh", "-c").withCmd(command);
        }
        try {
            try {
                return create.exec().getId();
            } catch (NotFoundException e) {
                pull.forRun(image);
                return create.exec().getId();
            }
        } catch (RuntimeException e) {
            throw Failures.of(url, "creating a container of image " + image, e);
        }
    }

    /** Kills and removes the container; a failure leaves it behind, labelled {@link #LABEL}. */
    private void remove(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            // the engine went away; nothing more to do from here
        }
    }
}
