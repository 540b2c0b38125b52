package dev.runbook.model;

import dev.runbook.diag.SourceLocation;

/**
 * A {@code rollback_on} condition: when it holds, the run rolls back.
 *
 * @param name       what it stands for ("performance degradation")
 * @param when       the expression
 * @param armedAfter the step after whose completion it is checked, or null for from the start
 * @param message    more words for the operator, or null
 * @param at         where it is declared
 */
public record Trigger(String name, Expr when, String armedAfter, String message, SourceLocation at) {
}
