package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import java.util.List;

/**
 * A typed input of a runbook or fragment.
 *
 * @param name         identifier
 * @param type         its type
 * @param description  for humans, may be null
 * @param required     a run refuses to start without a value
 * @param defaultValue the value when none is given (already checked against the type), or null
 * @param secret       masked as {@code ***} in every output
 * @param env          the environment variable supplying it, or null
 * @param allowed      the only values accepted; empty when any value is
 * @param at           where it is declared
 */
public record Param(String name, ParamType type, String description, boolean required, Object defaultValue,
                    boolean secret, String env, List<Object> allowed, SourceLocation at) {
}
