package dev.runbook.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in the text of an expression, the comparisons of a fact (or a path into it) with a bound:
 * {@code facts.health.elapsed > params.budget}, and mirrored, {@code 500 <= facts.queue}. Only a comparison whose
 * one side is exactly the fact path and whose other side is a whole operand counts: {@code facts.a.n * 2 > 10},
 * a fact inside a function call ({@code len(facts.a) > 3}) or a bracketed path are left out, never guessed at.
 */
final class HtmlComparisons {

    /**
     * A comparison, written as {@code facts.FACT.PATH OP BOUND} (a mirrored one is turned around).
     *
     * @param path  the keys into the fact's value; empty for the value itself
     * @param op    {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==} or {@code !=}
     * @param bound the other side, as written
     */
    record Comparison(String fact, List<String> path, String op, String bound) {

        /** {@code facts.health.elapsed > params.budget}. */
        String text() {
            return "facts." + fact + (path.isEmpty() ? "" : "." + String.join(".", path)) + " " + op + " " + bound;
        }
    }

    private static final Pattern FACT = Pattern.compile(
            "(?<![\\w.$'\"])facts\\??\\.([A-Za-z_][\\w-]*)((?:\\??\\.[A-Za-z_]\\w*)*)");
    private static final Pattern OP_AFTER = Pattern.compile("\\G\\s*(<=|>=|==|!=|<|>)(?![=~^$])");
    private static final Pattern OP_BEFORE = Pattern.compile("(<=|>=|==|!=|<|>)\\s*$");
    private static final Map<String, String> MIRROR = Map.of("<", ">", ">", "<", "<=", ">=", ">=", "<=",
            "==", "==", "!=", "!=");
    private static final List<String> STOPS = List.of("&&", "||", "?", ":", ",", ";", " and ", " or ");

    private HtmlComparisons() {
    }

    /** Every comparison of a fact with a bound in the expression, in the order they are written. */
    static List<Comparison> in(String expression) {
        String s = expression;
        boolean[] quoted = quoted(s);
        List<Comparison> out = new ArrayList<>();
        Matcher m = FACT.matcher(s);
        while (m.find()) {
            if (quoted[m.start()]) {
                continue;
            }
            List<String> path = m.group(2).isEmpty() ? List.of()
                    : Arrays.stream(m.group(2).split("\\??\\.")).filter(k -> !k.isEmpty()).toList();
            Matcher after = OP_AFTER.matcher(s);
            if (after.find(m.end()) && startsOperand(s, m.start())) {
                int from = after.end();
                int to = operandEnd(s, from, quoted);
                String bound = s.substring(from, to).trim();
                if (!bound.isEmpty()) {
                    out.add(new Comparison(m.group(1), path, after.group(1), bound));
                }
                continue;
            }
            Matcher before = OP_BEFORE.matcher(s.substring(0, m.start()));
            if (before.find() && endsOperand(s, m.end())) {
                int to = before.start();
                int from = operandStart(s, to, quoted);
                String bound = s.substring(from, to).trim();
                if (!bound.isEmpty() && !bound.endsWith("=") && !bound.endsWith("!")) {
                    out.add(new Comparison(m.group(1), path, MIRROR.get(before.group(1)), bound));
                }
            }
        }
        return out;
    }

    /** Which characters are inside a string literal ('...' or "...", with backslash escapes). */
    private static boolean[] quoted(String s) {
        boolean[] in = new boolean[s.length() + 1];
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                in[i] = true;
                if (c == '\\') {
                    i++;
                    if (i < s.length()) {
                        in[i] = true;
                    }
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in[i] = true;
            }
        }
        return in;
    }

    /** Where the operand that starts at {@code from} ends: at the first top-level stop or unmatched bracket. */
    private static int operandEnd(String s, int from, boolean[] quoted) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            if (quoted[i]) {
                continue;
            }
            char c = s.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (--depth < 0) {
                    return i;
                }
            } else if (depth == 0 && stopAt(s, i)) {
                return i;
            }
        }
        return s.length();
    }

    /** Where the operand that ends at {@code to} starts, scanning back. */
    private static int operandStart(String s, int to, boolean[] quoted) {
        int depth = 0;
        for (int i = to - 1; i >= 0; i--) {
            if (quoted[i]) {
                continue;
            }
            char c = s.charAt(i);
            if (c == ')' || c == ']') {
                depth++;
            } else if (c == '(' || c == '[') {
                if (--depth < 0) {
                    return i + 1;
                }
            } else if (depth == 0 && (c == '!' || stopEndingAt(s, i))) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean stopAt(String s, int i) {
        return STOPS.stream().anyMatch(t -> s.startsWith(t, i));
    }

    private static boolean stopEndingAt(String s, int i) {
        return STOPS.stream().anyMatch(t -> s.startsWith(t, i - t.length() + 1));
    }

    /** Whether the fact path at {@code start} begins an operand (nothing but a stop or a bracket before it). */
    private static boolean startsOperand(String s, int start) {
        String before = s.substring(0, start).stripTrailing();
        return before.isEmpty() || before.endsWith("(") || STOPS.stream().anyMatch(t -> before.endsWith(t.trim()));
    }

    /** Whether the fact path ending at {@code end} ends an operand (nothing but a stop or a bracket after it). */
    private static boolean endsOperand(String s, int end) {
        String after = s.substring(end).stripLeading();
        return after.isEmpty() || after.startsWith(")") || STOPS.stream().anyMatch(t -> after.startsWith(t.trim()));
    }
}
