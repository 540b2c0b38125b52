package dev.runbook.expr;

import dev.runbook.diag.RunbookException;
import dev.runbook.diag.SourceLocation;

/** An expression or template that does not parse, or failed to evaluate; located in the runbook file. */
public final class ExpressionException extends RunbookException {

    public ExpressionException(String message, SourceLocation location) {
        super(message, location);
    }

    public ExpressionException(String message, SourceLocation location, Throwable cause) {
        super(message, location, cause);
    }
}
