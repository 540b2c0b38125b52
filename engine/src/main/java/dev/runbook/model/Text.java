package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import dev.runbook.diag.SourceMap;

/**
 * A string that may hold {@code ${...}} interpolations (a template), as written in the runbook.
 *
 * @param source the text
 * @param at     where its first character is in the source file
 * @param map    where each of its characters is in the source file
 */
public record Text(String source, SourceLocation at, SourceMap map) {

    /** Text whose characters follow each other from {@code at}, as in a single-line plain scalar. */
    public Text(String source, SourceLocation at) {
        this(source, at, SourceMap.plain(at, source));
    }

    /** True when the text holds an interpolation and must be rendered. */
    public boolean isTemplate() {
        return source.replace("$${", "").contains("${");
    }
}
