package dev.runbook.parse;

import dev.runbook.model.DurationSpec;
import dev.runbook.model.Fact;
import dev.runbook.model.FactSource;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Parses the {@code targets} and {@code facts} sections. */
final class TargetFactParser {

    private static final Set<String> PARSE_MODES = Set.of("text", "number", "lines", "json", "kv");
    private static final Set<String> SQL_RETURNS = Set.of("cell", "row", "rows");

    private TargetFactParser() {
    }

    static Map<String, Target> targets(Fields top) {
        Map<String, Target> out = new LinkedHashMap<>();
        out.put(Target.LOCAL, new Target.Local(Target.LOCAL, "this machine",
                dev.runbook.diag.SourceLocation.of(top.reader().file())));
        out.putAll(top.named("targets", "target", Keys.TARGET, TargetFactParser::target));
        return out;
    }

    private static Optional<Target> target(String name, Fields t) {
        NodeReader r = t.reader();
        String kind = onlyKind(t, Keys.TARGET_KINDS, "target '" + name + "'");
        if (kind == null) {
            return Optional.empty();
        }
        String description = t.string("description").orElse(null);
        if (!kind.equals("ssh")) {
            SshTargetParser.refuseSshKeys(t);
        }
        for (String k : Keys.DOCKER_TARGET) {
            if (!kind.equals("docker") && t.has(k)) {
                t.problem(k, "'" + k + "' applies to docker targets only");
            }
        }
        switch (kind) {
            case "local" -> {
                if (!t.bool("local", true)) {
                    t.problem("local", "write 'local: true', or leave the target out");
                }
                return Optional.of(new Target.Local(name, description, r.at(t.node())));
            }
            case "docker" -> {
                return docker(name, t, description);
            }
            default -> {
                return SshTargetParser.ssh(name, t, description, r.at(t.node()));
            }
        }
    }

    /**
     * A docker target: {@code docker: default} (DOCKER_HOST, else the local socket), {@code unix:///PATH} or
     * {@code tcp://HOST:PORT}, with {@code certs} (a directory of ca.pem, cert.pem, key.pem) for TLS over tcp; or,
     * with {@code via: SSH_TARGET}, a socket on that target's host ({@code default}: /var/run/docker.sock).
     */
    private static Optional<Target> docker(String name, Fields t, String description) {
        Optional<Text> url = t.text("docker");
        Optional<Text> certs = t.text("certs");
        Optional<String> via = t.string("via");
        if (url.isEmpty() || (t.has("certs") && certs.isEmpty()) || (t.has("via") && via.isEmpty())) {
            return Optional.empty();
        }
        String u = url.get().source().strip();
        boolean byDefault = u.equals("default");
        if (u.startsWith("ssh://")) {
            t.problem("docker", "an engine behind SSH is reached through an ssh target: write 'docker:"
                    + " unix:///var/run/docker.sock' (its socket on that host) and 'via: TARGET' (an ssh target)");
            return Optional.empty();
        }
        if (!byDefault && !url.get().isTemplate() && !u.startsWith("unix:///") && !u.matches("tcp://[^/]+")) {
            t.problem("docker", "'docker' is an engine URL, unix:///var/run/docker.sock or tcp://HOST:2376, or"
                    + " 'default' (DOCKER_HOST, else the local socket); not '" + u + "'");
            return Optional.empty();
        }
        if (via.isPresent() && !byDefault && !url.get().isTemplate() && !u.startsWith("unix:///")) {
            t.problem("via", "through SSH, '" + name + "' is reached at a socket on the host: write 'docker:"
                    + " unix:///var/run/docker.sock' (or default), not '" + u + "'");
            return Optional.empty();
        }
        if (certs.isPresent() && (byDefault || u.startsWith("unix:") || via.isPresent())) {
            t.problem("certs", "'certs' is for a tcp:// engine (TLS); '" + name + "' is reached "
                    + (via.isPresent() ? "through SSH, which encrypts already: drop 'certs'"
                    : byDefault ? "by default (DOCKER_HOST, else the local socket): write its tcp:// URL"
                    : "through a socket: drop 'certs'"));
            return Optional.empty();
        }
        return Optional.of(new Target.Docker(name, byDefault ? null : url.get(), certs.orElse(null),
                via.orElse(null), description, t.reader().at(t.node())));
    }

    /** The one kind key present; records a problem and returns null unless there is exactly one. */
    static String onlyKind(Fields f, Set<String> kinds, String what) {
        List<String> present = f.keys().stream().filter(kinds::contains).toList();
        if (present.size() == 1) {
            return present.get(0);
        }
        if (present.isEmpty()) {
            if (!f.hadUnknownKeys()) {
                f.reader().problem(f.node(), f.path(), what + " needs one of: " + String.join(", ", kinds));
            }
        } else {
            f.reader().problem(f.keyNode(present.get(1)).orElseThrow(), f.path(), what + " has more than one kind ("
                    + String.join(", ", present) + "); it must have exactly one");
        }
        return null;
    }

    static List<Text> textOrList(Fields f, String key) {
        NodeReader r = f.reader();
        Node n = f.node(key).orElseThrow();
        List<Text> out = new ArrayList<>();
        if (n instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                r.text(s.getValue().get(i), f.child(key) + "[" + i + "]", "an item of '" + key + "'").ifPresent(out::add);
            }
            if (out.isEmpty() && s.getValue().isEmpty()) {
                f.problem(key, "'" + key + "' must not be an empty list");
            }
        } else if (n instanceof ScalarNode) {
            r.text(n, f.child(key), "'" + key + "'").ifPresent(out::add);
        } else {
            f.problem(key, "'" + key + "' must be a string or a list of strings, not " + NodeReader.describe(n));
        }
        return out;
    }

    static Map<String, Fact> facts(Fields top) {
        return top.named("facts", "fact", Keys.FACT, TargetFactParser::fact);
    }

    private static Optional<Fact> fact(String name, Fields f) {
        NodeReader r = f.reader();
        String kind = onlyKind(f, Keys.FACT_KINDS, "fact '" + name + "'");
        Optional<String> parse = f.string("parse");
        parse.filter(p -> !PARSE_MODES.contains(p)).ifPresent(p -> f.problem("parse",
                "unknown parse mode '" + p + "'; the modes are text, number, lines, json, kv"));
        if (parse.isPresent() && kind != null && !kind.equals("shell") && !kind.equals("file")) {
            f.problem("parse", "'parse' applies to shell and file facts only");
        }
        Optional<String> on = f.node("on").flatMap(n -> r.identifier(n, f.child("on"), "the target name"));
        Optional<DurationSpec> timeout = f.duration("timeout");
        if (kind == null) {
            return Optional.empty();
        }
        Optional<FactSource> source = source(kind, f);
        var onAt = f.node("on").map(r::at).orElse(r.at(f.node()));
        return source.map(s -> new Fact(name, s, on.orElse(Target.LOCAL), parse.orElse(null), timeout.orElse(null),
                f.bool("secret", false), f.string("description").orElse(null), r.at(f.node()), onAt));
    }

    private static Optional<FactSource> source(String kind, Fields f) {
        NodeReader r = f.reader();
        String path = f.child(kind);
        Node n = f.node(kind).orElseThrow();
        if (kind.equals("shell")) {
            return r.text(n, path, "'shell'").map(FactSource.Shell::new);
        }
        if (kind.equals("docker")) {
            return docker(r, n, path);
        }
        Set<String> keys = switch (kind) {
            case "http" -> Keys.HTTP_FACT;
            case "sql" -> Keys.SQL_FACT;
            case "redis" -> Keys.REDIS_FACT;
            case "websocket" -> Keys.WEBSOCKET_FACT;
            case "logs" -> Keys.LOGS_FACT;
            default -> Keys.FILE_FACT;
        };
        Optional<Fields> spec = r.fields(n, path, "a " + kind + " fact", keys);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Fields s = spec.get();
        return switch (kind) {
            case "http" -> required(s, "url").map(url -> new FactSource.Http(url, method(s), s.texts("headers", false),
                    s.text("body").orElse(null), s.duration("timeout").orElse(null), s.bool("insecure", false)));
            case "sql" -> {
                Optional<String> returns = s.string("returns");
                returns.filter(v -> !SQL_RETURNS.contains(v)).ifPresent(v -> s.problem("returns",
                        "'returns' must be cell, row or rows, not '" + v + "'"));
                Optional<Text> url = required(s, "url");
                Optional<Text> query = required(s, "query");
                yield url.isEmpty() || query.isEmpty() ? Optional.empty()
                        : Optional.of(new FactSource.Sql(url.get(), query.get(), returns.orElse("cell")));
            }
            case "redis" -> {
                Optional<Text> url = required(s, "url");
                List<Text> command = s.has("command") ? textOrList(s, "command") : List.of();
                if (!s.has("command")) {
                    s.missing("command");
                }
                yield url.map(u -> new FactSource.Redis(u, command));
            }
            case "websocket" -> required(s, "url").map(url -> new FactSource.WebSocket(url,
                    s.text("subscribe").orElse(null), s.string("expect").orElse(null),
                    s.duration("timeout").orElse(null)));
            case "logs" -> logs(s);
            default -> required(s, "path").map(FactSource.File::new);
        };
    }

    /** {@code docker: info}, or a container: {@code { container: NAME }} or {@code { service, project }}. */
    private static Optional<FactSource> docker(NodeReader r, Node n, String path) {
        if (n instanceof ScalarNode s) {
            if (s.getValue().equals("info")) {
                return Optional.of(new FactSource.Docker(null, true));
            }
            r.problem(n, path, "a docker fact is 'info' (the engine), { container: NAME } or { service: NAME,"
                    + " project: NAME } (a Compose service), not '" + s.getValue() + "'");
            return Optional.empty();
        }
        return r.fields(n, path, "a docker fact", Keys.DOCKER_FACT)
                .flatMap(d -> DockerStepParser.ref(d, "a docker fact"))
                .map(ref -> new FactSource.Docker(ref, false));
    }

    private static Optional<FactSource> logs(Fields s) {
        String from = onlyKind(s, Set.of("file", "command", "container"), "a logs fact");
        Optional<String> pattern = s.requiredString("pattern");
        if (pattern.isPresent()) {
            try {
                Pattern.compile(pattern.get());
            } catch (java.util.regex.PatternSyntaxException e) {
                s.problem("pattern", "the pattern is not a valid regular expression: " + e.getDescription());
            }
        }
        if (from == null || pattern.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FactSource.Logs(s.text("file").orElse(null), s.text("command").orElse(null),
                s.text("container").orElse(null), pattern.get(), s.text("since").orElse(null)));
    }

    static String method(Fields s) {
        String m = s.string("method").orElse("GET").toUpperCase();
        if (!Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS").contains(m)) {
            s.problem("method", "unknown HTTP method '" + m + "'");
        }
        return m;
    }

    static Optional<Text> required(Fields s, String key) {
        if (!s.has(key)) {
            s.missing(key);
            return Optional.empty();
        }
        return s.text(key);
    }
}
