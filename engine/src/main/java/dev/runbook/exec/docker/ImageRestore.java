package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts an image back under the containers of a Compose service: each container is recreated from its own
 * inspected configuration with the given image. The old one is stopped and renamed aside, the new one created under
 * its name and started; the old one is removed once the new one runs, or put back when it does not.
 */
final class ImageRestore {

    private final DockerClient client;
    private final String url;
    private final ContainerLookup lookup;

    ImageRestore(DockerClient client, String url, ContainerLookup lookup) {
        this.client = client;
        this.url = url;
        this.lookup = lookup;
    }

    void restore(String project, String service, String imageId) throws InterruptedException {
        for (Container c : lookup.required(Selector.service(project, service))) {
            replace(c.getId(), imageId);
        }
    }

    private void replace(String oldId, String imageId) throws InterruptedException {
        InspectContainerResponse old = call("inspecting container " + oldId, () -> client.inspectContainerCmd(oldId).exec());
        String name = old.getName().startsWith("/") ? old.getName().substring(1) : old.getName();
        boolean wasRunning = Boolean.TRUE.equals(old.getState().getRunning());
        String aside = name + "-runbook-old-" + oldId.substring(0, 12);
        if (wasRunning) {
            act("stopping container " + name, () -> client.stopContainerCmd(oldId).withTimeout(10).exec());
        }
        act("renaming container " + name, () -> client.renameContainerCmd(oldId).withName(aside).exec());
        String newId = null;
        try {
            String created = create(old, name, imageId);
            newId = created;
            act("starting container " + name, () -> client.startContainerCmd(created).exec());
            lookup.awaitRunning(created, name);
        } catch (RuntimeException | InterruptedException e) {
            putBack(oldId, newId, name, wasRunning);
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new DockerException("could not recreate container " + name + " on " + url + " with image "
                    + imageId + " (" + Failures.reason(e) + "); the old container is back in place", e);
        }
        try {
            client.removeContainerCmd(oldId).withForce(true).exec();
        } catch (RuntimeException e) {
            // left aside under its new name: harmless
        }
    }

    private String create(InspectContainerResponse old, String name, String imageId) {
        ContainerConfig cfg = old.getConfig();
        ContainerConfig image = imageConfig(old.getImageId());
        CreateContainerCmd cmd = client.createContainerCmd(imageId).withName(name).withHostConfig(old.getHostConfig());
        List<String> env = new ArrayList<>(list(cfg.getEnv()));
        env.removeAll(list(image.getEnv()));
        cmd.withEnv(env);
        Map<String, String> labels = new LinkedHashMap<>(cfg.getLabels() == null ? Map.of() : cfg.getLabels());
        if (image.getLabels() != null) {
            image.getLabels().forEach(labels::remove);
        }
        cmd.withLabels(labels);
        if (cfg.getCmd() != null && !Arrays.equals(cfg.getCmd(), image.getCmd())) {
            cmd.withCmd(cfg.getCmd());
        }
        if (cfg.getEntrypoint() != null && !Arrays.equals(cfg.getEntrypoint(), image.getEntrypoint())) {
            cmd.withEntrypoint(cfg.getEntrypoint());
        }
        if (differs(cfg.getWorkingDir(), image.getWorkingDir())) {
            cmd.withWorkingDir(cfg.getWorkingDir());
        }
        if (differs(cfg.getUser(), image.getUser())) {
            cmd.withUser(cfg.getUser());
        }
        if (cfg.getExposedPorts() != null) {
            cmd.withExposedPorts(cfg.getExposedPorts());
        }
        if (cfg.getHealthcheck() != null && !Objects.equals(cfg.getHealthcheck(), image.getHealthcheck())) {
            cmd.withHealthcheck(cfg.getHealthcheck());
        }
        cmd.withTty(cfg.getTty()).withStdinOpen(cfg.getStdinOpen());
        String mode = old.getHostConfig() == null ? null : old.getHostConfig().getNetworkMode();
        Map<String, ContainerNetwork> networks = old.getNetworkSettings() == null || old.getNetworkSettings().getNetworks() == null
                ? Map.of() : old.getNetworkSettings().getNetworks();
        boolean ownHost = mode == null || mode.equals("host") || mode.startsWith("container:");
        if (!ownHost && cfg.getHostName() != null && !old.getId().startsWith(cfg.getHostName())) {
            cmd.withHostName(cfg.getHostName());
        }
        ContainerNetwork primary = networks.get(mode);
        if (primary != null && primary.getAliases() != null) {
            cmd.withAliases(aliases(primary, old.getId()));
        }
        String id = call("creating container " + name, () -> cmd.exec().getId());
        for (Map.Entry<String, ContainerNetwork> n : networks.entrySet()) {
            if (!n.getKey().equals(mode)) {
                act("connecting container " + name + " to network " + n.getKey(), () -> client.connectToNetworkCmd()
                        .withNetworkId(n.getKey()).withContainerId(id)
                        .withContainerNetwork(new ContainerNetwork().withAliases(aliases(n.getValue(), old.getId()))).exec());
            }
        }
        return id;
    }

    private static List<String> aliases(ContainerNetwork n, String oldId) {
        List<String> out = new ArrayList<>();
        for (String a : n.getAliases() == null ? List.<String>of() : n.getAliases()) {
            if (!oldId.startsWith(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private ContainerConfig imageConfig(String imageId) {
        try {
            ContainerConfig c = client.inspectImageCmd(imageId).exec().getConfig();
            return c == null ? new ContainerConfig() : c;
        } catch (RuntimeException e) {
            return new ContainerConfig();
        }
    }

    private void putBack(String oldId, String newId, String name, boolean wasRunning) {
        try {
            if (newId != null) {
                client.removeContainerCmd(newId).withForce(true).exec();
            }
            client.renameContainerCmd(oldId).withName(name).exec();
            if (wasRunning) {
                client.startContainerCmd(oldId).exec();
            }
        } catch (RuntimeException e) {
            // best effort: the message says what was meant to happen
        }
    }

    private static boolean differs(String container, String image) {
        return container != null && !container.isEmpty() && !container.equals(image);
    }

    private static List<String> list(String[] a) {
        return a == null ? List.of() : Arrays.asList(a);
    }

    private <T> T call(String doing, java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            throw Failures.of(url, doing, e);
        }
    }

    private void act(String doing, Runnable r) {
        call(doing, () -> {
            r.run();
            return null;
        });
    }
}
