package dev.runbook.model;

import java.time.Duration;

/**
 * A duration written either literally ({@code 5s}, {@code 1h30m}) or as a template ({@code ${params.monitor_for}})
 * resolved when the plan is made. Exactly one of the two is set.
 *
 * @param literal  the parsed literal, or {@code null}
 * @param template the template, or {@code null}
 */
public record DurationSpec(Duration literal, Text template) {

    public static DurationSpec of(Duration d) {
        return new DurationSpec(d, null);
    }

    @Override
    public String toString() {
        return literal != null ? Durations.format(literal) : template.source();
    }
}
