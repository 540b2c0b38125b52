package dev.runbook.model;

import dev.runbook.diag.SourceLocation;

/**
 * A bare JEXL expression as written in the runbook ({@code that}, {@code when}, {@code until}, {@code assert}).
 *
 * @param source the expression text
 * @param at     where its first character is in the source file
 */
public record Expr(String source, SourceLocation at) {
}
