package dev.runbook.expr;

import dev.runbook.diag.SourceMap;
import java.util.ArrayList;
import java.util.List;

/** Splits template text into literal runs and {@code ${...}} interpolations; {@code $${} is a literal {@code ${}. */
final class Templates {

    /** A piece of a template: literal text, or an expression with its offset in the template. */
    record Piece(String text, boolean expression, int offset) {
    }

    private Templates() {
    }

    static List<Piece> split(String src, SourceMap map) {
        List<Piece> out = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < src.length()) {
            if (src.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (src.startsWith("${", i)) {
                int end = closing(src, i + 2);
                if (end < 0) {
                    throw new ExpressionException("'${' has no closing '}'", map.at(i));
                }
                String expr = src.substring(i + 2, end);
                if (expr.isBlank()) {
                    throw new ExpressionException("empty interpolation '${}'", map.at(i));
                }
                if (literal.length() > 0) {
                    out.add(new Piece(literal.toString(), false, i));
                    literal.setLength(0);
                }
                out.add(new Piece(expr, true, i + 2));
                i = end + 1;
            } else {
                literal.append(src.charAt(i));
                i++;
            }
        }
        if (literal.length() > 0) {
            out.add(new Piece(literal.toString(), false, src.length()));
        }
        return out;
    }

    /** The index of the '}' closing an interpolation that starts at {@code from}, or -1. */
    private static int closing(String src, int from) {
        int depth = 0;
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(src, i);
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
            i++;
        }
        return -1;
    }

    /** The index just after the string literal that starts at {@code start}. */
    static int skipString(String src, int start) {
        char quote = src.charAt(start);
        int i = start + 1;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                return i + 1;
            }
            i++;
        }
        return src.length();
    }

}
