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
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ": " + show(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(v);
    }

    /** A value as shown in messages: strings quoted, null as {@code null}. */
    public static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence s) {
            String t = s.toString();
            return "'" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'";
        }
        return text(v);
    }
}
