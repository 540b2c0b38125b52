package dev.runbook.diag;

/**
 * One thing wrong with a runbook, found by parsing or validation.
 *
 * @param location where it is
 * @param path     the YAML path of the offending element, such as {@code steps[2].run}; empty for the file
 * @param message  what is wrong, in one sentence a human can act on
 */
public record Problem(SourceLocation location, String path, String message) {

    /** The {@code file:line:col: error: message} line that {@code runbook validate} prints. */
    public String format() {
        String where = path == null || path.isEmpty() ? "" : path + ": ";
        return location + ": error: " + where + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
