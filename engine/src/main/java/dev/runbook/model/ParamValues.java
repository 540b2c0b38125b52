package dev.runbook.model;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns raw values (from YAML defaults, vars files, {@code --set} text or the environment) into the typed
 * values expressions see: {@code integer} a Long, {@code number} a Double or Long, {@code duration} milliseconds
 * as a Long, {@code list} a List, {@code map} a Map, the rest Strings and Booleans.
 */
public final class ParamValues {

    /** A converted value, or why the raw value does not fit the type. */
    public record Result(Object value, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private ParamValues() {
    }

    public static Result coerce(ParamType type, Object raw) {
        if (raw == null) {
            return new Result(null, "has no value");
        }
        return switch (type) {
            case STRING, COMMAND -> raw instanceof Map || raw instanceof Collection
                    ? fail(raw, "a string") : ok(String.valueOf(raw));
            case INTEGER -> integer(raw);
            case NUMBER -> number(raw);
            case BOOLEAN -> bool(raw);
            case DURATION -> raw instanceof String s ? Durations.parse(s).<Result>map(d -> ok(d.toMillis()))
                    .orElseGet(() -> fail(raw, "a duration such as 5s, 3m or 24h")) : fail(raw, "a duration such as 5s, 3m or 24h");
            case LIST -> raw instanceof List<?> l ? ok(l)
                    : raw instanceof String s ? ok(s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList())
                    : fail(raw, "a list");
            case MAP -> raw instanceof Map<?, ?> m ? ok(m) : fail(raw, "a mapping (give it in a --vars file)");
        };
    }

    private static Result integer(Object raw) {
        if (raw instanceof Long || raw instanceof Integer) {
            return ok(((Number) raw).longValue());
        }
        if (raw instanceof String s) {
            try {
                return ok(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return fail(raw, "a whole number");
            }
        }
        return fail(raw, "a whole number");
    }

    private static Result number(Object raw) {
        if (raw instanceof Number n) {
            return ok(n instanceof Double ? n : n.longValue());
        }
        if (raw instanceof String s) {
            try {
                return ok(s.contains(".") || s.contains("e") || s.contains("E") ? Double.parseDouble(s) : Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return fail(raw, "a number");
            }
        }
        return fail(raw, "a number");
    }

    private static Result bool(Object raw) {
        if (raw instanceof Boolean b) {
            return ok(b);
        }
        if (raw instanceof String s && (s.equals("true") || s.equals("false"))) {
            return ok(Boolean.parseBoolean(s));
        }
        return fail(raw, "true or false");
    }

    private static Result ok(Object v) {
        return new Result(v, null);
    }

    private static Result fail(Object raw, String expected) {
        String shown = raw instanceof String s ? "'" + s + "'" : raw instanceof Map ? "a mapping"
                : raw instanceof Collection ? "a list" : String.valueOf(raw);
        return new Result(null, "must be " + expected + ", not " + shown);
    }
}
