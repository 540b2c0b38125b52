package dev.runbook.diag;

/**
 * The one exception type of the engine. Subclasses say what kind of failure it is; every one carries a
 * message fit to show an operator on one line, and a source location where one is known.
 */
public class RunbookException extends RuntimeException {

    private final transient SourceLocation location;

    public RunbookException(String message) {
        this(message, null, null);
    }

    public RunbookException(String message, SourceLocation location) {
        this(message, location, null);
    }

    public RunbookException(String message, SourceLocation location, Throwable cause) {
        super(message, cause);
        this.location = location;
    }

    /** Where the problem is, or {@code null}. */
    public SourceLocation location() {
        return location;
    }

    /** The message prefixed with its location when there is one. */
    public String describe() {
        return location == null ? getMessage() : location + ": error: " + getMessage();
    }
}
