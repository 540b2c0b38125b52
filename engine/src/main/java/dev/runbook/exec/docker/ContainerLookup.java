package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Finds the containers of a {@link Selector} on one engine, running ones first, and says so when there are none. */
final class ContainerLookup {

    private final DockerClient client;
    private final String url;

    ContainerLookup(DockerClient client, String url) {
        this.client = client;
        this.url = url;
    }

    /** The containers selected, running or not: running ones first, then by name; none is no error. */
    List<Container> all(Selector s) {
        List<Container> found;
        try {
            if (s.name() != null) {
                found = new ArrayList<>();
                for (Container c : client.listContainersCmd().withShowAll(true).withNameFilter(List.of(s.name())).exec()) {
                    if (name(c).equals(s.name())) {
                        found.add(c);
                    }
                }
            } else {
                found = new ArrayList<>(client.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Selector.PROJECT_LABEL, s.project(), Selector.SERVICE_LABEL, s.service()))
                        .exec());
            }
        } catch (RuntimeException e) {
            throw Failures.of(url, "listing containers", e);
        }
        found.sort(Comparator.comparing((Container c) -> !running(c)).thenComparing(ContainerLookup::name));
        return found;
    }

    /** The selected containers, running or not; throws saying there is none. */
    List<Container> required(Selector s) {
        List<Container> found = all(s);
        if (found.isEmpty()) {
            throw missing(s);
        }
        return found;
    }

    /** The first running container selected; throws saying there is none, or that it is not running. */
    Container running(Selector s) {
        List<Container> found = all(s);
        if (!found.isEmpty() && running(found.get(0))) {
            return found.get(0);
        }
        if (s.name() != null && !found.isEmpty()) {
            throw new DockerException("container " + s.name() + " on " + url + " is not running ("
                    + found.get(0).getState() + "); start it first, or check the name");
        }
        if (s.name() != null) {
            throw missing(s);
        }
        throw new DockerException("no running container of service " + s.service() + " in Compose project "
                + s.project() + " on " + url + (found.isEmpty() ? "" : " (" + found.size() + " stopped)")
                + "; check the project and service names, or that the service is up");
    }

    private DockerException missing(Selector s) {
        if (s.name() == null) {
            return new DockerException("no container of service " + s.service() + " in Compose project "
                    + s.project() + " on " + url + "; check the project and service names, or that the service is up");
        }
        List<String> up;
        try {
            up = client.listContainersCmd().exec().stream().map(ContainerLookup::name).sorted().collect(Collectors.toList());
        } catch (RuntimeException e) {
            throw Failures.of(url, "listing containers", e);
        }
        String running = up.isEmpty() ? "none running"
                : "running: " + String.join(", ", up.subList(0, Math.min(up.size(), 12))) + (up.size() > 12 ? ", ..." : "");
        return new DockerException("no container named " + s.name() + " on " + url + " (" + running
                + "); check the name, or that the service is up");
    }

    /**
     * Waits (up to 30 seconds) until container {@code id} runs, seen twice a quarter second apart; throws saying how
     * it ended when it stops instead.
     */
    void awaitRunning(String id, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int seen = 0;
        while (true) {
            InspectContainerResponse.ContainerState state;
            try {
                state = client.inspectContainerCmd(id).exec().getState();
            } catch (RuntimeException e) {
                throw Failures.of(url, "inspecting container " + name, e);
            }
            if (Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getRestarting())) {
                if (++seen == 2) {
                    return;
                }
            } else if ("exited".equals(state.getStatus()) || "dead".equals(state.getStatus())) {
                throw new DockerException("container " + name + " on " + url + " exited with code "
                        + state.getExitCodeLong() + " right after it started; see docker logs " + name);
            } else {
                seen = 0;
            }
            if (System.nanoTime() > deadline) {
                throw new DockerException("container " + name + " on " + url + " is still " + state.getStatus()
                        + " 30 seconds after it was started; see docker logs " + name);
            }
            Thread.sleep(250);
        }
    }

    static boolean running(Container c) {
        return "running".equals(c.getState());
    }

    /** The container's name, without the leading slash the engine gives it. */
    static String name(Container c) {
        String[] names = c.getNames();
        if (names == null || names.length == 0) {
            return c.getId().substring(0, Math.min(12, c.getId().length()));
        }
        return names[0].startsWith("/") ? names[0].substring(1) : names[0];
    }
}
