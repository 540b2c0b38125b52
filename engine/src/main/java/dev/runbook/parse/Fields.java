package dev.runbook.parse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * A YAML mapping read strictly: on opening, every duplicate key and every key outside the allowed set is
 * recorded as a problem (with a suggestion for near misses); values are then read by key.
 */
public final class Fields {

    private final NodeReader reader;
    private final MappingNode node;
    private final String path;
    private final String what;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private boolean hadUnknownKeys;

    Fields(NodeReader reader, MappingNode node, String path, String what, Set<String> allowed) {
        this.reader = reader;
        this.node = node;
        this.path = path;
        this.what = what;
        for (NodeTuple t : node.getValue()) {
            Optional<String> key = reader.string(t.getKeyNode(), path, "a key in " + what);
            if (key.isEmpty()) {
                continue;
            }
            String k = key.get();
            NodeTuple first = entries.get(k);
            if (first != null) {
                reader.problem(t.getKeyNode(), child(k), "duplicate key '" + k + "' (first at line "
                        + reader.at(first.getKeyNode()).line() + ")");
                continue;
            }
            if (allowed != null && !allowed.contains(k)) {
                reader.problem(t.getKeyNode(), child(k), unknownKey(k, what, allowed));
                hadUnknownKeys = true;
                continue;
            }
            entries.put(k, t);
        }
    }

    /** A key the reader does not know, with the nearest known key when one is close. */
    static String unknownKey(String key, String what, Collection<String> allowed) {
        String near = Suggest.nearest(key, allowed);
        if (near == null && allowed.containsAll(Keys.STEP_KINDS)) {
            near = STEP_ALIASES.get(key.toLowerCase());
        }
        return "unknown key '" + key + "' in " + what
                + (near != null ? ": did you mean '" + near + "'?" : "; " + expected(allowed));
    }

    /** Words from other tools that mean one of our step kinds. */
    private static final Map<String, String> STEP_ALIASES = Map.ofEntries(Map.entry("shell", "run"),
            Map.entry("command", "run"), Map.entry("cmd", "run"), Map.entry("script", "run"),
            Map.entry("check", "assert"), Map.entry("expect", "assert"), Map.entry("sleep", "wait"),
            Map.entry("poll", "wait"), Map.entry("until", "wait"), Map.entry("request", "http"), Map.entry("get", "http"),
            Map.entry("curl", "http"), Map.entry("uri", "http"), Map.entry("confirm", "approve"),
            Map.entry("pause", "approve"), Map.entry("prompt", "approve"), Map.entry("watch", "monitor"),
            Map.entry("webhook", "notify"), Map.entry("slack", "notify"), Map.entry("block", "group"),
            Map.entry("steps", "group"), Map.entry("import", "include"),
            Map.entry("copy", "upload"), Map.entry("scp", "upload"), Map.entry("put", "upload"),
            Map.entry("fetch", "download"));

    private static String expected(Collection<String> allowed) {
        if (allowed.containsAll(Keys.STEP_KINDS)) {
            return "a step's kind is one of " + String.join(", ", Keys.STEP_KINDS) + "; its other keys are "
                    + String.join(", ", Keys.STEP_COMMON) + ", with";
        }
        return "expected one of: " + String.join(", ", allowed);
    }

    public NodeReader reader() {
        return reader;
    }

    public MappingNode node() {
        return node;
    }

    public String path() {
        return path;
    }

    /** The YAML path of a key of this mapping. */
    public String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether an unknown key was reported: a missing kind is then most likely that key, misspelt. */
    public boolean hadUnknownKeys() {
        return hadUnknownKeys;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The keys present, in source order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    public Optional<Node> node(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    public Optional<Node> keyNode(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getKeyNode);
    }

    /** Records that a required key is missing. */
    public void missing(String key) {
        reader.problem(node, path, what + " needs '" + key + "'");
    }

    /** Records a problem located at a key's value. */
    public void problem(String key, String message) {
        reader.problem(entries.get(key).getValueNode(), child(key), message);
    }

    public Optional<String> string(String key) {
        return node(key).flatMap(n -> reader.string(n, child(key), "'" + key + "'"));
    }

    public Optional<String> requiredString(String key) {
        if (!has(key)) {
            missing(key);
            return Optional.empty();
        }
        return string(key);
    }

    public Optional<dev.runbook.model.Text> text(String key) {
        return node(key).flatMap(n -> reader.text(n, child(key), "'" + key + "'"));
    }

    public Optional<dev.runbook.model.Expr> expr(String key) {
        return node(key).flatMap(n -> reader.expr(n, child(key), "'" + key + "'"));
    }

    public Optional<dev.runbook.model.DurationSpec> duration(String key) {
        return node(key).flatMap(n -> reader.duration(n, child(key), "'" + key + "'"));
    }

    public boolean bool(String key, boolean fallback) {
        return node(key).flatMap(n -> reader.bool(n, child(key), "'" + key + "'")).orElse(fallback);
    }

    public Optional<Integer> integer(String key, int min) {
        return node(key).flatMap(n -> reader.integer(n, child(key), "'" + key + "'", min));
    }

    /**
     * A mapping of named declarations, such as {@code params}: each name must be an identifier and each value a
     * mapping with the {@code allowed} keys, read by {@code read(name, fields)}. Declarations that cannot be read
     * are reported and their names remembered as broken.
     *
     * @param what the word for one declaration in messages: "param", "target", "fact"
     */
    public <T> Map<String, T> named(String key, String what, java.util.Set<String> allowed,
                                    java.util.function.BiFunction<String, Fields, Optional<T>> read) {
        Map<String, T> out = new LinkedHashMap<>();
        node(key).flatMap(n -> reader.fields(n, child(key), "'" + key + "'", null)).ifPresent(all -> {
            for (String name : all.keys()) {
                String path = all.child(name);
                if (!NodeReader.IDENTIFIER.matcher(name).matches()) {
                    reader.problem(all.keyNode(name).orElseThrow(), path, NodeReader.notIdentifier("the " + what + " name", name));
                    continue;
                }
                all.node(name).flatMap(n -> reader.fields(n, path, what + " '" + name + "'", allowed))
                        .flatMap(f -> read.apply(name, f))
                        .ifPresentOrElse(v -> out.put(name, v), () -> reader.broken(name));
            }
        });
        return out;
    }

    /** A list of strings. */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        node(key).flatMap(n -> reader.list(n, child(key), "'" + key + "'")).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                reader.string(items.get(i), child(key) + "[" + i + "]", "an item of '" + key + "'").ifPresent(out::add);
            }
        });
        return out;
    }

    /** A mapping of string keys to templates, such as {@code headers} or {@code outputs}. */
    public Map<String, dev.runbook.model.Text> texts(String key, boolean identifierKeys) {
        Map<String, dev.runbook.model.Text> out = new LinkedHashMap<>();
        node(key).flatMap(n -> reader.fields(n, child(key), "'" + key + "'", null)).ifPresent(f -> {
            for (String k : f.keys()) {
                if (identifierKeys && !NodeReader.IDENTIFIER.matcher(k).matches()) {
                    reader.problem(f.keyNode(k).orElseThrow(), f.child(k), NodeReader.notIdentifier("the name", k));
                    continue;
                }
                f.text(k).ifPresent(t -> out.put(k, t));
            }
        });
        return out;
    }
}
