package dev.runbook.parse;

import dev.runbook.diag.SourceLocation;
import dev.runbook.diag.SourceMap;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Maps offsets in a scalar's value back to the file by walking the value and the source text side by side:
 * quotes and escapes, folded line breaks with their indentation, and block scalars' indentation are skipped
 * in the source where the value has one character or none.
 */
final class ScalarMap implements SourceMap {

    private final Path file;
    private final String text;
    private final int[] lineStarts;
    private final int start;
    private final ScalarStyle style;
    private final String value;

    /**
     * @param start index in {@code text} of the value's first character (after a quote; for a block scalar, the
     *              first character of its first content line)
     */
    ScalarMap(Path file, String text, int[] lineStarts, int start, ScalarStyle style, String value) {
        this.file = file;
        this.text = text;
        this.lineStarts = lineStarts;
        this.start = start;
        this.style = style;
        this.value = value;
    }

    @Override
    public SourceLocation at(int offset) {
        return location(index(offset));
    }

    /** The index in the source text of the value's character at {@code offset}. */
    private int index(int offset) {
        boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
        int indent = block ? indentAt(start) : 0;
        int i = start;
        int j = 0;
        while (j < offset && j < value.length() && i < text.length()) {
            char fc = text.charAt(i);
            char vc = value.charAt(j);
            if (fc == '\r') {
                i++;
            } else if (fc == '\n') {
                i++;
                i = block ? skipSpaces(i, indent) : skipSpaces(i, Integer.MAX_VALUE);
                if (vc == ' ' || vc == '\n') {
                    j++;
                }
            } else if (style == ScalarStyle.DOUBLE_QUOTED && fc == '\\') {
                i += escapeLength(i);
                j++;
            } else if (style == ScalarStyle.SINGLE_QUOTED && fc == '\'' && i + 1 < text.length()
                    && text.charAt(i + 1) == '\'') {
                i += 2;
                j++;
            } else {
                i++;
                j++;
            }
        }
        return Math.min(i, text.length());
    }

    private int escapeLength(int i) {
        if (i + 1 >= text.length()) {
            return 1;
        }
        return switch (text.charAt(i + 1)) {
            case 'x' -> 4;
            case 'u' -> 6;
            case 'U' -> 10;
            default -> 2;
        };
    }

    private int skipSpaces(int i, int max) {
        int n = 0;
        while (i < text.length() && n < max && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
            n++;
        }
        return i;
    }

    private int indentAt(int i) {
        int lineStart = lineStarts[lineOf(i)];
        return i - lineStart;
    }

    private int lineOf(int index) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private SourceLocation location(int index) {
        int line = lineOf(index);
        return new SourceLocation(file, line + 1, index - lineStarts[line] + 1);
    }

    /** The index of the first character of every line of {@code text}. */
    static int[] lineStarts(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        int[] starts = new int[n];
        int k = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return starts;
    }
}
