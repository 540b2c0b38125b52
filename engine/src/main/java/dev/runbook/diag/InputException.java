package dev.runbook.diag;

/** Bad input from the operator rather than the runbook: a missing param value, a bad {@code --set}, a missing file. */
public final class InputException extends RunbookException {

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, SourceLocation location) {
        super(message, location);
    }
}
