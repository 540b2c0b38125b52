package dev.runbook.model;

import dev.runbook.diag.SourceLocation;

/**
 * A named read-only probe, collected when an expression needs it.
 *
 * @param name        identifier ({@code facts.NAME})
 * @param source      what is probed
 * @param on          the target it is collected on
 * @param parse       how text output is read: text, number, lines, json, kv; or null
 * @param timeout     how long collecting may take, or null for the default
 * @param secret      the value is masked in every output
 * @param description for humans, or null
 * @param at          where it is declared
 * @param onAt        where its target is named (its declaration when it names none)
 */
public record Fact(String name, FactSource source, String on, String parse, DurationSpec timeout, boolean secret,
                   String description, SourceLocation at, SourceLocation onAt) {
}
