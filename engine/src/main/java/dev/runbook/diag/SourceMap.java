package dev.runbook.diag;

/**
 * Where each character of a YAML scalar's value is in its file. Values differ from their source text (quotes,
 * escapes, folded lines, block indentation), so positions inside a value are found through this map.
 */
@FunctionalInterface
public interface SourceMap {

    /** The file position of the value's character at {@code offset} (the value's end for offsets past it). */
    SourceLocation at(int offset);

    /** The map of the part of the value that starts at {@code delta}. */
    default SourceMap shift(int delta) {
        return offset -> at(offset + delta);
    }

    /**
     * The map of a value written as is from {@code start}: each newline starts a new line at column 1. Right for
     * single-line plain scalars and for text made in code.
     */
    static SourceMap plain(SourceLocation start, String value) {
        return offset -> {
            int line = 0;
            int lineStart = 0;
            for (int i = 0; i < offset && i < value.length(); i++) {
                if (value.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return line == 0 ? start.shift(0, offset) : start.shift(line, offset - lineStart + 1);
        };
    }
}
