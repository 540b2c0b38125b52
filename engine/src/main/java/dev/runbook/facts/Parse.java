package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** How the text a fact reads becomes its value: the {@code parse} modes. */
final class Parse {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private Parse() {
    }

    /**
     * The value of {@code text} as {@code mode} says: {@code text} (the default; trailing line ends removed),
     * {@code number} (a Long, or a Double), {@code lines} (the non-blank lines), {@code json} (maps, lists, scalars),
     * {@code kv} ({@code key=value} lines as a map; other lines ignored).
     *
     * @param secret the fact is secret: a message never quotes the text
     */
    static Object value(String text, String mode, boolean secret) {
        return switch (mode == null ? "text" : mode) {
            case "number" -> number(text, secret);
            case "lines" -> lines(text);
            case "json" -> json(text, secret);
            case "kv" -> kv(text);
            default -> chomp(text);
        };
    }

    /** The text without its trailing line ends. */
    static String chomp(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    static Object number(String text, boolean secret) {
        String t = text.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            try {
                if (t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                    return Double.parseDouble(t);
                }
            } catch (NumberFormatException ignored) {
                // not a number: said below
            }
        }
        throw new RunbookException("parse: number, but the output is not a number: "
                + (secret ? "(the fact is secret)" : "'" + shorten(t) + "'"));
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }

    /** JSON as maps, lists, strings, numbers, booleans and null; an error says where it does not parse. */
    static Object json(String text, boolean secret) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new RunbookException("parse: json, but the output is not JSON"
                    + (secret ? "" : ": " + shorten(e.getOriginalMessage())));
        }
    }

    /** JSON, or null when the text is not JSON (an HTTP body). */
    static Object jsonOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            return null;
        }
    }

    static Map<String, Object> kv(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.stripLeading().startsWith("#")) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
