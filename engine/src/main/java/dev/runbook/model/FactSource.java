package dev.runbook.model;

import java.util.List;
import java.util.Map;

/** What a fact probes: one kind per fact. */
public sealed interface FactSource {

    /** The kind keyword as written in YAML. */
    String kind();

    /** An HTTP request: the fact holds status, headers, body, json and elapsed milliseconds. */
    record Http(Text url, String method, Map<String, Text> headers, Text body, DurationSpec timeout,
                boolean insecure) implements FactSource {
        public String kind() {
            return "http";
        }
    }

    /** A shell command on the fact's target; its stdout, parsed. */
    record Shell(Text command) implements FactSource {
        public String kind() {
            return "shell";
        }
    }

    /** A read-only SQL query. {@code returns} is cell, row or rows. */
    record Sql(Text url, Text query, String returns) implements FactSource {
        public String kind() {
            return "sql";
        }
    }

    /** A read-only Redis command. */
    record Redis(Text url, List<Text> command) implements FactSource {
        public String kind() {
            return "redis";
        }
    }

    /** A WebSocket connection that expects a message matching {@code expect}. */
    record WebSocket(Text url, Text subscribe, String expect, DurationSpec timeout) implements FactSource {
        public String kind() {
            return "websocket";
        }
    }

    /** Lines matching {@code pattern} in a file, a command's output or a container's logs, since a point in time. */
    record Logs(Text file, Text command, Text container, String pattern, Text since) implements FactSource {
        public String kind() {
            return "logs";
        }
    }

    /**
     * A container on a docker target ({@code docker inspect}): {@code exists}, {@code running}, {@code state},
     * {@code health}, {@code image} (the image id), {@code restart_count}, {@code started_at}; or, with {@code info},
     * the engine's version and counts.
     */
    record Docker(Containers.Ref container, boolean info) implements FactSource {
        public String kind() {
            return "docker";
        }
    }

    /** A file: whether it exists, its size, modification time and content. */
    record File(Text path) implements FactSource {
        public String kind() {
            return "file";
        }
    }
}
