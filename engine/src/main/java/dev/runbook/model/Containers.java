package dev.runbook.model;

import java.util.List;
import java.util.Map;

/** The parts of Docker steps and facts: which container, and how to start one. */
public final class Containers {

    private Containers() {
    }

    /**
     * A running container: by {@code name}, or as the container(s) of a Compose {@code service} of a {@code project}
     * (labels {@code com.docker.compose.project} and {@code com.docker.compose.service}). Exactly one of the two
     * ways is given.
     */
    public record Ref(Text name, Text project, Text service) {

        /** How the plan and messages show it: {@code web-1}, or {@code service web of project shop}. */
        public String describe() {
            return name != null ? name.source() : "service " + service.source() + " of project " + project.source();
        }
    }

    /**
     * A one-off container, removed when it ends.
     *
     * @param image   the image (name:tag, or an image id)
     * @param command run by {@code /bin/sh -c} in the container; null for the image's own command
     * @param env     environment variables
     * @param mounts  bind mounts {@code HOST:CONTAINER[:ro]}
     * @param network {@code host} (the default) or {@code none}
     */
    public record Spec(Text image, Text command, Map<String, Text> env, List<Text> mounts, String network) {
    }

    /**
     * The Compose command line: {@code CLI -p PROJECT -f FILE... COMMAND} in {@code dir}, with {@code env}.
     *
     * @param cli     {@code docker compose} (the default) or {@code docker-compose}
     * @param dir     the project directory, or null for the runbook's
     * @param files   the Compose files, or none for the CLI's default
     * @param project the project name, or null for the CLI's default
     * @param command such as {@code up -d web}
     */
    public record Compose(Text cli, Text dir, List<Text> files, Text project, Text command, Map<String, Text> env) {
    }

    /**
     * A step changes the image a Compose service runs: the run records the image id the service runs before the
     * step (in the journal), and rolling the step back puts that image back.
     *
     * @param target the docker target of the service
     * @param at     where {@code changes_image.on} is written (where {@code changes_image} is, when it names none and
     *               the step's target is meant)
     */
    public record ImageWatch(String target, Ref service, dev.runbook.diag.SourceLocation at) {
    }
}
