package dev.runbook.diag;

import java.nio.file.Path;

/**
 * A position in a runbook source file; line and column are 1-based.
 *
 * @param file   the file, as the user named it (relative paths stay relative)
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record SourceLocation(Path file, int line, int column) {

    /** A location that names only the file. */
    public static SourceLocation of(Path file) {
        return new SourceLocation(file, 0, 0);
    }

    /** The location {@code lines} lines and {@code columns} columns further on. */
    public SourceLocation shift(int lines, int columns) {
        return new SourceLocation(file, line + lines, lines == 0 ? column + columns : columns);
    }

    /** {@code file:line:col}, or less when the position is unknown. */
    @Override
    public String toString() {
        String f = file == null ? "<input>" : file.toString();
        if (line <= 0) {
            return f;
        }
        return f + ":" + line + ":" + Math.max(column, 1);
    }
}
