package dev.runbook.parse;

import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Durations;
import dev.runbook.model.Expr;
import dev.runbook.model.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads typed values out of YAML nodes of one file, recording a problem (with path and line:column) for
 * every value of the wrong shape instead of throwing, so that all problems of a file are found in one pass.
 */
public final class NodeReader {

    /** Identifiers: the names of params, targets, facts, steps and outputs. */
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_VALUE_NODES = 100_000;

    private final Path file;
    private final Problems problems;
    private final java.util.Set<String> broken;
    private final String text;
    private final int[] lineStarts;
    private int valueNodes;

    /** A reader of the document {@code doc}, read from {@code file}. */
    public NodeReader(Path file, YamlLoader.Document doc, Problems problems) {
        this(file, doc, problems, new java.util.HashSet<>());
    }

    NodeReader(Path file, YamlLoader.Document doc, Problems problems, java.util.Set<String> broken) {
        this.file = file;
        this.problems = problems;
        this.broken = broken;
        this.text = doc.text();
        this.lineStarts = ScalarMap.lineStarts(text);
    }

    /** Records a name whose declaration could not be read, so that uses of it are not reported again. */
    void broken(String name) {
        broken.add(name);
    }

    /** Names declared by elements that could not be read. */
    java.util.Set<String> broken() {
        return broken;
    }

    public Path file() {
        return file;
    }

    public Problems problems() {
        return problems;
    }

    /** Where the node starts. */
    public SourceLocation at(Node node) {
        return node.getStartMark()
                .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
                .orElse(SourceLocation.of(file));
    }

    /** Where each character of a scalar's value is in the file. */
    public dev.runbook.diag.SourceMap map(Node node) {
        SourceLocation at = at(node);
        if (!(node instanceof ScalarNode s) || at.line() < 1 || at.line() > lineStarts.length) {
            return dev.runbook.diag.SourceMap.plain(at, "");
        }
        ScalarStyle style = s.getScalarStyle();
        int index = Math.min(text.length(), lineStarts[at.line() - 1] + at.column() - 1);
        if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
            index++;
        } else if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
            index = firstContent(at.line());
        }
        return new ScalarMap(file, text, lineStarts, index, style, s.getValue());
    }

    /** The index of the first non-blank character on the lines after {@code line} (1-based): a block's content. */
    private int firstContent(int line) {
        for (int l = line; l < lineStarts.length; l++) {
            int i = lineStarts[l];
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                return i;
            }
        }
        return text.length();
    }

    public void problem(Node node, String path, String message) {
        problems.add(at(node), path, message);
    }

    /** Opens a mapping whose keys must all be in {@code allowed}. */
    public Optional<Fields> fields(Node node, String path, String what, java.util.Set<String> allowed) {
        return mapping(node, path, what).map(m -> new Fields(this, m, path, what, allowed));
    }

    public Optional<MappingNode> mapping(Node node, String path, String what) {
        if (node instanceof MappingNode m) {
            return Optional.of(m);
        }
        problem(node, path, what + " must be a mapping (key: value), not " + describe(node));
        return Optional.empty();
    }

    public Optional<List<Node>> list(Node node, String path, String what) {
        if (node instanceof SequenceNode s) {
            return Optional.of(s.getValue());
        }
        problem(node, path, what + " must be a list, not " + describe(node));
        return Optional.empty();
    }

    /** A string scalar; numbers are taken as their text, anything else is a problem. */
    public Optional<String> string(Node node, String path, String what) {
        if (node instanceof ScalarNode s) {
            Tag tag = s.getTag();
            if (tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
                return Optional.of(s.getValue());
            }
        }
        problem(node, path, what + " must be a string, not " + describe(node));
        return Optional.empty();
    }

    public Optional<Text> text(Node node, String path, String what) {
        return string(node, path, what).map(s -> {
            var map = map(node);
            return new Text(s, map.at(0), map);
        });
    }

    public Optional<Expr> expr(Node node, String path, String what) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return Optional.of(new Expr(s.getValue(), at(node)));
        }
        return string(node, path, what).map(s -> {
            var map = map(node);
            return new Expr(s, map.at(0), map);
        });
    }

    public Optional<String> identifier(Node node, String path, String what) {
        Optional<String> s = string(node, path, what);
        s.filter(v -> !IDENTIFIER.matcher(v).matches())
                .ifPresent(v -> problem(node, path, notIdentifier(what, v)));
        return s.filter(v -> IDENTIFIER.matcher(v).matches());
    }

    /** The message for a name that is not an identifier, with the name it could have been. */
    public static String notIdentifier(String what, String name) {
        String fixed = name.replaceAll("[^A-Za-z0-9_]", "_");
        if (!fixed.isEmpty() && Character.isDigit(fixed.charAt(0))) {
            fixed = "_" + fixed;
        }
        return what + " '" + name + "' must be an identifier (letters, digits and _, not starting with a digit)"
                + (fixed.isEmpty() ? "" : ": try '" + fixed + "'");
    }

    public Optional<Integer> integer(Node node, String path, String what, int min) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                int v = Integer.parseInt(s.getValue().replace("_", ""));
                if (v >= min) {
                    return Optional.of(v);
                }
                problem(node, path, what + " must be at least " + min + ", not " + v);
                return Optional.empty();
            } catch (NumberFormatException e) {
                problem(node, path, what + " is too large: " + s.getValue());
                return Optional.empty();
            }
        }
        problem(node, path, what + " must be a whole number, not " + describe(node));
        return Optional.empty();
    }

    public Optional<Boolean> bool(Node node, String path, String what) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return Optional.of(Boolean.parseBoolean(s.getValue()));
        }
        problem(node, path, what + " must be true or false, not " + describe(node));
        return Optional.empty();
    }

    /** A literal duration ({@code 5s}) or a {@code ${...}} template resolved later. */
    public Optional<DurationSpec> duration(Node node, String path, String what) {
        Optional<Text> t = text(node, path, what);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (t.get().isTemplate()) {
            return Optional.of(new DurationSpec(null, t.get()));
        }
        Optional<DurationSpec> d = Durations.parse(t.get().source()).map(DurationSpec::of);
        if (d.isEmpty()) {
            problem(node, path, what + " '" + t.get().source()
                    + "' is not a duration: write a number and a unit, such as 250ms, 5s, 3m, 24h or 1h30m");
        }
        return d;
    }

    /** A plain Java value (string, number, boolean, list, map) of any shape; null for a YAML null. */
    public Object value(Node node, String path) {
        valueNodes = 0;
        Object v = convert(node, path);
        if (valueNodes > MAX_VALUE_NODES) {
            problem(node, path, "the value is too large (more than " + MAX_VALUE_NODES + " nodes, aliases counted)");
            return null;
        }
        return v;
    }

    private Object convert(Node node, String path) {
        if (++valueNodes > MAX_VALUE_NODES) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return scalar(s);
        }
        if (node instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.getValue().size(); i++) {
                out.add(convert(s.getValue().get(i), path + "[" + i + "]"));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            string(t.getKeyNode(), path, "a key").ifPresent(k -> out.put(k, convert(t.getValueNode(), path + "." + k)));
        }
        return out;
    }

    private static Object scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Boolean.parseBoolean(v);
        }
        if (tag.equals(Tag.INT)) {
            try {
                return Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                return new java.math.BigInteger(v.replace("_", ""));
            }
        }
        if (tag.equals(Tag.FLOAT)) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return v;
            }
        }
        return v;
    }

    /** How a node looks, for messages: {@code a list}, {@code the number 3}, {@code the text 'x'}. */
    public static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) {
            return "nothing (null)";
        }
        if (tag.equals(Tag.BOOL)) {
            return "the boolean " + s.getValue();
        }
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "the number " + s.getValue();
        }
        String v = s.getValue();
        return "the text '" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'";
    }
}
