package dev.runbook.expr;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** How expression values become text: in templates, and in messages about them. */
public final class Values {

    private Values() {
    }

    /** The text a value interpolates as: numbers without a needless {@code .0}, lists and maps as JSON-like text. */
    public static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? BigDecimal.valueOf(d).toBigInteger().toString()
                    : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Values::show).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v.getClass().isArray()) {
            return text(asList(v));
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ": " + show(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(v);
    }

    /** A JEXL array literal ({@code ['a', 'b']}) as a list; any other value unchanged. */
    public static Object normalize(Object v) {
        return v != null && v.getClass().isArray() ? asList(v) : v;
    }

    private static java.util.List<Object> asList(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        java.util.List<Object> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(java.lang.reflect.Array.get(array, i));
        }
        return out;
    }

    /**
     * A value as shown in messages: strings quoted, null as {@code null}. Never shortened: a secret cut short
     * would no longer be recognised by the masker.
     */
    public static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence s) {
            return "'" + s + "'";
        }
        return text(v);
    }
}
