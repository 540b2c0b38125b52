package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** What checks read of containers: their state, and how many lines of their logs match a pattern. */
final class ContainerFacts {

    private final DockerClient client;
    private final String url;
    private final ContainerLookup lookup;

    ContainerFacts(DockerClient client, String url, ContainerLookup lookup) {
        this.client = client;
        this.url = url;
        this.lookup = lookup;
    }

    Map<String, Object> inspect(Selector s) {
        List<Container> found = lookup.all(s);
        Map<String, Object> fact = new LinkedHashMap<>();
        if (found.isEmpty()) {
            fact.put("exists", false);
            fact.put("running", false);
            return fact;
        }
        InspectContainerResponse c;
        try {
            c = client.inspectContainerCmd(found.get(0).getId()).exec();
        } catch (NotFoundException e) {
            fact.put("exists", false);
            fact.put("running", false);
            return fact;
        } catch (RuntimeException e) {
            throw Failures.of(url, "inspecting " + s.describe(), e);
        }
        InspectContainerResponse.ContainerState state = c.getState();
        fact.put("exists", true);
        fact.put("running", Boolean.TRUE.equals(state.getRunning()));
        fact.put("state", state.getStatus());
        fact.put("health", state.getHealth() == null || state.getHealth().getStatus() == null
                ? "none" : state.getHealth().getStatus());
        fact.put("image", c.getImageId());
        fact.put("image_name", c.getConfig() == null ? null : c.getConfig().getImage());
        fact.put("restart_count", c.getRestartCount() == null ? 0 : c.getRestartCount());
        fact.put("started_at", epochMs(state.getStartedAt()));
        fact.put("name", c.getName() != null && c.getName().startsWith("/") ? c.getName().substring(1) : c.getName());
        return fact;
    }

    /**
     * Lines of the logs (stdout and stderr) of every container of {@code s} written at or after
     * {@code sinceEpochMs} in which {@code pattern} is found.
     */
    long countLogLines(Selector s, long sinceEpochMs, Pattern pattern) throws InterruptedException {
        AtomicLong count = new AtomicLong();
        for (Container c : lookup.required(s)) {
            FrameLines lines = new FrameLines((stderr, line) -> {
                int space = line.indexOf(' ');
                long at = space > 0 ? epochMs(line.substring(0, space)) : 0;
                if (at >= sinceEpochMs && pattern.matcher(space > 0 ? line.substring(space + 1) : line).find()) {
                    count.incrementAndGet();
                }
            });
            try {
                client.logContainerCmd(c.getId()).withStdOut(true).withStdErr(true).withTimestamps(true)
                        .withSince((int) Math.max(0, sinceEpochMs / 1000)).exec(lines).awaitCompletion();
            } catch (NotFoundException e) {
                // removed since it was listed: no lines
            } catch (RuntimeException e) {
                throw Failures.of(url, "reading the logs of " + s.describe(), e);
            } finally {
                lines.closeQuietly();
            }
        }
        return count.get();
    }

    /** An engine time stamp (RFC 3339, nanoseconds) in epoch milliseconds; 0 for none (never started). */
    static long epochMs(String timestamp) {
        if (timestamp == null || timestamp.isBlank() || timestamp.startsWith("0001-")) {
            return 0;
        }
        try {
            return Instant.parse(timestamp).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
