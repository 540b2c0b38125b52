package dev.runbook.exec;

import dev.runbook.model.Fact;

/** Collects facts for expressions. Collectors of each fact kind come with the facts work; see {@link #NONE}. */
@FunctionalInterface
public interface FactCollector {

    /** The fact's value now; throws a {@link dev.runbook.diag.RunbookException} saying why when it cannot. */
    Object collect(Fact fact);

    /**
     * Gives the collector the run's executors, by target name, for facts collected on a target ({@code on:}); a
     * collector that reads only this machine ignores them.
     */
    default void useExecutors(java.util.function.Function<String, Executor> executors) {
    }

    /** Gives the collector the run's Docker engines, by target name, for {@code docker} and container logs facts. */
    default void useEngines(java.util.function.Function<String, dev.runbook.exec.docker.DockerEngine> engines) {
    }

    /** Collects nothing: every fact read fails with the reason, so guards over facts fail closed. */
    FactCollector NONE = fact -> {
        throw new dev.runbook.diag.RunbookException("fact '" + fact.name() + "' cannot be collected: this version"
                + " does not collect facts yet");
    };
}
