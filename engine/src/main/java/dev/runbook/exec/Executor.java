package dev.runbook.exec;

import java.time.Duration;

/**
 * Runs shell commands on one target: the local machine now; SSH hosts and Docker engines through the same
 * interface. An executor is opened once per run and reused by every step, fact and rollback.
 */
public interface Executor extends AutoCloseable {

    /** Receives a command's output line by line as it comes. */
    @FunctionalInterface
    interface OutputListener {
        void line(boolean stderr, String line);

        OutputListener NONE = (stderr, line) -> { };
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c}; kills it (and every process it started) when {@code timeout}
     * passes or the calling thread is interrupted.
     *
     * @param timeout null for none
     */
    CommandResult run(String command, Duration timeout, OutputListener output) throws InterruptedException;

    /** The host commands run on, for {@code target.host} and messages. */
    String host();

    @Override
    default void close() {
    }
}
