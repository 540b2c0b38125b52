package dev.runbook.model;

import dev.runbook.diag.SourceLocation;

/**
 * A condition that must hold: a precondition, a success check or a monitor check.
 *
 * @param name    a label, or null (the expression then names it)
 * @param that    the expression
 * @param message what a failure means, or null
 * @param at      where it is declared
 */
public record Check(String name, Expr that, String message, SourceLocation at) {

    /** The name, or the expression when there is none. */
    public String label() {
        return name != null ? name : that.source();
    }
}
