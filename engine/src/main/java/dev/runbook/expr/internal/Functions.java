package dev.runbook.expr.internal;

import dev.runbook.expr.Values;
import dev.runbook.model.Durations;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The helper functions expressions may call, and nothing else: {@code len}, {@code contains}, {@code matches},
 * {@code duration}, {@code now}, {@code all}, {@code any}, {@code lower}, {@code upper}, {@code trim},
 * {@code changelog}. Public only because JEXL calls it by reflection; every method is pure except {@link #now()}
 * and {@link #changelog(Object, Object)}, which reads a file (see {@link Changelog}).
 */
public final class Functions {

    /** The names, for validation messages and the sandbox's allow-list. */
    public static final java.util.Set<String> NAMES = java.util.Set.of("len", "contains", "matches", "duration", "now",
            "all", "any", "lower", "upper", "trim", "changelog");

    /** The runbook's directory, for {@code changelog()}; null when unknown. */
    private final java.nio.file.Path dir;

    public Functions() {
        this(null);
    }

    /** The functions of expressions of the runbook in {@code dir}. */
    public Functions(java.nio.file.Path dir) {
        this.dir = dir;
    }

    /**
     * The section of {@code version} in a Keep-a-Changelog file, without its heading: the release notes.
     *
     * @param path relative to the runbook's directory (and inside it), or absolute
     */
    public String changelog(Object path, Object version) {
        return Changelog.section(dir, path == null ? null : String.valueOf(path),
                version == null ? null : String.valueOf(version));
    }

    /** The length of a string, or the size of a list or map; 0 for null. */
    public int len(Object value) {
        Object x = Values.normalize(value);
        if (x == null) {
            return 0;
        }
        if (x instanceof CharSequence s) {
            return s.length();
        }
        if (x instanceof Collection<?> c) {
            return c.size();
        }
        if (x instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new IllegalArgumentException("len() takes a string, list or map, not " + x.getClass().getSimpleName());
    }

    /** Whether a string holds a substring, a list holds an element, or a map holds a key. */
    public boolean contains(Object in, Object needle) {
        Object haystack = Values.normalize(in);
        if (haystack instanceof CharSequence s) {
            return needle != null && s.toString().contains(String.valueOf(needle));
        }
        if (haystack instanceof Collection<?> c) {
            return c.stream().anyMatch(e -> same(e, needle));
        }
        if (haystack instanceof Map<?, ?> m) {
            return m.containsKey(needle);
        }
        return false;
    }

    /** Whether the regular expression finds a match anywhere in the text. */
    public boolean matches(Object text, String regex) {
        return text != null && Pattern.compile(regex).matcher(String.valueOf(text)).find();
    }

    /** A duration such as {@code 5s} in milliseconds. */
    public long duration(String text) {
        return Durations.parse(text).orElseThrow(
                () -> new IllegalArgumentException("'" + text + "' is not a duration (such as 5s, 3m, 24h)")).toMillis();
    }

    /** The current time in epoch milliseconds. */
    public long now() {
        return System.currentTimeMillis();
    }

    /** True when every element of the list is true (an empty list is). */
    public boolean all(Object values) {
        return list(values, "all").stream().allMatch(Boolean.TRUE::equals);
    }

    /** True when some element of the list is true. */
    public boolean any(Object values) {
        return list(values, "any").stream().anyMatch(Boolean.TRUE::equals);
    }

    private static Collection<?> list(Object values, String function) {
        if (Values.normalize(values) instanceof Collection<?> c) {
            return c;
        }
        throw new IllegalArgumentException(function + "() takes a list, not " + Values.show(values));
    }

    public String lower(Object s) {
        return s == null ? null : String.valueOf(s).toLowerCase();
    }

    public String upper(Object s) {
        return s == null ? null : String.valueOf(s).toUpperCase();
    }

    public String trim(Object s) {
        return s == null ? null : String.valueOf(s).trim();
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return java.util.Objects.equals(a, b);
    }
}
