package dev.runbook.parse;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every key the parser accepts, per kind of mapping. The parser rejects any other key; a test keeps
 * {@code schemas/runbook.schema.json} in agreement with these sets.
 */
public final class Keys {

    public static final Set<String> RUNBOOK = set("runbook", "description", "version", "env", "params", "targets",
            "facts", "preconditions", "rollback_on", "steps", "success");
    public static final Set<String> FRAGMENT = set("fragment", "description", "params", "steps");
    public static final Set<String> PARAM = set("type", "description", "required", "default", "secret", "env",
            "allowed");
    public static final Set<String> TARGET_KINDS = set("local", "ssh", "docker");
    /** How an SSH target connects and logs in: keys of ssh targets only. */
    public static final Set<String> SSH_LOGIN = set("known_hosts", "identity", "passphrase", "password", "jump",
            "connect_timeout");
    /** The rollout of an SSH fleet: keys of ssh targets only. */
    public static final Set<String> SSH_FLEET = set("serial", "max_fail", "forks");
    /** How a docker target connects: keys of docker targets only. */
    public static final Set<String> DOCKER_TARGET = set("certs", "via");
    public static final Set<String> TARGET = union(union(union(TARGET_KINDS, SSH_FLEET), union(SSH_LOGIN,
            DOCKER_TARGET)), set("description"));
    public static final Set<String> FACT_KINDS = set("http", "shell", "sql", "redis", "websocket", "logs", "file",
            "docker");
    public static final Set<String> FACT = union(FACT_KINDS, set("on", "parse", "timeout", "secret", "description"));
    public static final Set<String> HTTP_FACT = set("url", "method", "headers", "body", "timeout", "insecure");
    public static final Set<String> SQL_FACT = set("url", "query", "returns");
    public static final Set<String> REDIS_FACT = set("url", "command");
    public static final Set<String> WEBSOCKET_FACT = set("url", "subscribe", "expect", "timeout");
    public static final Set<String> LOGS_FACT = set("file", "command", "container", "pattern", "since");
    public static final Set<String> FILE_FACT = set("path");
    /** A running container: {@code container} (its name), or {@code service} and {@code project} (Compose). */
    public static final Set<String> CONTAINER_REF = set("container", "service", "project");
    public static final Set<String> DOCKER_FACT = CONTAINER_REF;
    public static final Set<String> CHECK = set("name", "that", "message");
    public static final Set<String> TRIGGER = set("name", "when", "armed_after", "message");
    public static final Set<String> STEP_KINDS = set("run", "assert", "wait", "http", "approve", "monitor", "notify",
            "upload", "download", "container", "exec", "restart", "stop", "start", "pull", "tag", "compose", "group",
            "include");
    /** The step kinds that act on a docker target's containers and images. */
    public static final Set<String> DOCKER_STEP_KINDS = set("container", "exec", "restart", "stop", "start", "pull",
            "tag");
    public static final Set<String> TAG_STEP = set("image", "as");
    public static final Set<String> STEP_COMMON = set("id", "name", "description", "on", "when", "timeout", "retries",
            "delay", "rollback", "outputs", "irreversible", "continue_on_error", "message", "run_once",
            "changes_image");
    /** Keys a step may have besides its kind, for one kind only: {@code with} goes with {@code include}. */
    public static final Set<String> STEP_EXTRA = set("with");
    public static final Set<String> STEP = union(union(STEP_KINDS, STEP_COMMON), STEP_EXTRA);
    public static final Set<String> WAIT = set("until", "every", "within");
    public static final Set<String> HTTP_STEP = set("url", "method", "headers", "body", "timeout", "insecure",
            "expect");
    public static final Set<String> HTTP_EXPECT = set("status", "contains");
    public static final Set<String> MONITOR = set("for", "every", "failure_limit", "checks");
    public static final Set<String> NOTIFY = set("webhook", "format", "headers", "email", "template", "message",
            "required");
    public static final Set<String> NOTIFY_EMAIL = set("to", "from", "subject", "smtp");
    public static final Set<String> NOTIFY_SMTP = set("host", "port", "starttls", "user", "password");
    public static final Set<String> UPLOAD = set("from", "to", "mode");
    public static final Set<String> DOWNLOAD = set("from", "to");
    public static final Set<String> CONTAINER_STEP = set("image", "command", "env", "mounts", "network");
    public static final Set<String> EXEC_STEP = union(CONTAINER_REF, set("command"));
    /** The value of {@code restart}, {@code stop} and {@code start}. */
    public static final Set<String> SERVICE_STEP = CONTAINER_REF;
    public static final Set<String> COMPOSE_STEP = set("dir", "files", "project", "command", "env", "cli");
    public static final Set<String> CHANGES_IMAGE = set("on", "project", "service");
    /** An inventory file ({@code --inventory FILE}): see {@code schemas/inventory.schema.json}. */
    public static final Set<String> INVENTORY = set("vars", "groups");
    public static final Set<String> INVENTORY_GROUP = set("vars", "hosts");
    public static final Set<String> INVENTORY_HOST = set("ssh", "vars");

    /**
     * Each key set by the name of the schema definition that describes the same mapping
     * ({@code ""} is the schema's root).
     */
    public static final Map<String, Set<String>> BY_SCHEMA_DEFINITION = bySchemaDefinition();

    private Keys() {
    }

    private static Map<String, Set<String>> bySchemaDefinition() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("", RUNBOOK);
        m.put("fragment", FRAGMENT);
        m.put("param", PARAM);
        m.put("target", TARGET);
        m.put("fact", FACT);
        m.put("http_fact", HTTP_FACT);
        m.put("sql_fact", SQL_FACT);
        m.put("redis_fact", REDIS_FACT);
        m.put("websocket_fact", WEBSOCKET_FACT);
        m.put("logs_fact", LOGS_FACT);
        m.put("file_fact", FILE_FACT);
        m.put("docker_fact", DOCKER_FACT);
        m.put("check", CHECK);
        m.put("trigger", TRIGGER);
        m.put("step", STEP);
        m.put("wait", WAIT);
        m.put("http_step", HTTP_STEP);
        m.put("http_expect", HTTP_EXPECT);
        m.put("monitor", MONITOR);
        m.put("notify", NOTIFY);
        m.put("notify_email", NOTIFY_EMAIL);
        m.put("notify_smtp", NOTIFY_SMTP);
        m.put("upload", UPLOAD);
        m.put("download", DOWNLOAD);
        m.put("container", CONTAINER_STEP);
        m.put("exec", EXEC_STEP);
        m.put("container_ref", SERVICE_STEP);
        m.put("compose", COMPOSE_STEP);
        m.put("tag", TAG_STEP);
        m.put("changes_image", CHANGES_IMAGE);
        return Map.copyOf(m);
    }

    private static Set<String> set(String... keys) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return java.util.Collections.unmodifiableSet(s);
    }
}
