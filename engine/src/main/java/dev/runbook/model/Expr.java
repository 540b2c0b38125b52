package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import dev.runbook.diag.SourceMap;

/**
 * A bare JEXL expression as written in the runbook ({@code that}, {@code when}, {@code until}, {@code assert}).
 *
 * @param source the expression text
 * @param at     where its first character is in the source file
 * @param map    where each of its characters is in the source file
 */
public record Expr(String source, SourceLocation at, SourceMap map) {

    /** An expression whose characters follow each other from {@code at}. */
    public Expr(String source, SourceLocation at) {
        this(source, at, SourceMap.plain(at, source));
    }
}
