package dev.runbook.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed runbook: the whole model, every element carrying its source location. Maps keep declaration order.
 *
 * @param name          the runbook's name
 * @param description   one line for humans, or null
 * @param version       the language version
 * @param env           environment variables expressions may read
 * @param params        typed inputs
 * @param targets       where steps run, {@code local} included
 * @param facts         read-only probes
 * @param preconditions must hold before anything changes
 * @param rollbackOn    conditions that roll the run back
 * @param steps         what the run does
 * @param success       the verdict's checks
 * @param file          the file it was read from
 */
public record Runbook(String name, String description, int version, List<String> env, Map<String, Param> params,
                      Map<String, Target> targets, Map<String, Fact> facts, List<Check> preconditions,
                      List<Trigger> rollbackOn, List<Step> steps, List<Check> success, Path file) {
}
