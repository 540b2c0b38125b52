package dev.runbook.model;

import dev.runbook.diag.SourceLocation;

/**
 * A string that may hold {@code ${...}} interpolations (a template), as written in the runbook.
 *
 * @param source the text
 * @param at     where its first character is in the source file
 */
public record Text(String source, SourceLocation at) {

    /** True when the text holds an interpolation and must be rendered. */
    public boolean isTemplate() {
        return source.replace("$${", "").contains("${");
    }
}
