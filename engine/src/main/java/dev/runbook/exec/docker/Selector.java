package dev.runbook.exec.docker;

/**
 * Which containers a Docker operation is about: the one named {@code name}, or those of Compose service
 * {@code service} of project {@code project} (labels {@code com.docker.compose.project} and
 * {@code com.docker.compose.service}). Exactly one of the two ways is given.
 */
public record Selector(String name, String project, String service) {

    static final String PROJECT_LABEL = "com.docker.compose.project";
    static final String SERVICE_LABEL = "com.docker.compose.service";

    public Selector {
        if ((name == null) == (project == null || service == null)) {
            throw new IllegalArgumentException("a container is selected by name, or by project and service");
        }
    }

    /** The container named {@code name}. */
    public static Selector named(String name) {
        return new Selector(name, null, null);
    }

    /** The containers of Compose service {@code service} of project {@code project}. */
    public static Selector service(String project, String service) {
        return new Selector(null, project, service);
    }

    /** How messages show it: {@code container web-1}, or {@code service web in Compose project shop}. */
    public String describe() {
        return name != null ? "container " + name : "service " + service + " in Compose project " + project;
    }
}
