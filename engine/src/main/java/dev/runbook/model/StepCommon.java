package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * The keys every step may have, whatever its kind.
 *
 * @param id              identifier, unique in the runbook; null only in rollback lists
 * @param name            a human label, or null
 * @param description     for the plan, or null
 * @param on              the target name
 * @param when            the guard, or null when the step always runs
 * @param timeout         the limit, or null
 * @param retries         attempts after the first failure
 * @param delay           the pause between attempts, or null
 * @param rollback        the compensation, run when the run rolls back after this step completed
 * @param outputs         name to template, evaluated after the step
 * @param irreversible    the point of no return
 * @param continueOnError a failure is recorded and the run goes on
 * @param message         for {@code assert} and {@code approve}: what to tell the operator, or null
 * @param path            the YAML path of the step, such as {@code steps[3]}
 * @param at              where the step starts
 * @param onAt            where its target is named (the step's start when it names none)
 * @param runOnce         on a fleet, the step runs on one host only (the first still in play)
 * @param changesImage    the Compose service whose image the step changes ({@code changes_image}), or null
 */
public record StepCommon(String id, String name, String description, String on, Expr when, DurationSpec timeout,
                         int retries, DurationSpec delay, List<Step> rollback, Map<String, Text> outputs,
                         boolean irreversible, boolean continueOnError, String message, String path,
                         SourceLocation at, SourceLocation onAt, boolean runOnce,
                         Containers.ImageWatch changesImage) {

    /** The label for humans: the name, else the id, else the path. */
    public String label() {
        return name != null ? name : id != null ? id : path;
    }
}
