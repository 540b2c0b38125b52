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

    /**
     * Copies a file of this machine to {@code remote} on the host, atomically (written beside it, then renamed).
     *
     * @param mode octal permissions such as {@code 0640}, or null for the host's default
     * @throws dev.runbook.diag.RunbookException saying why it could not
     */
    void upload(java.nio.file.Path local, String remote, String mode);

    /** Copies {@code remote} of the host to a file of this machine, atomically; throws saying why it could not. */
    void download(String remote, java.nio.file.Path local);

    /**
     * Makes sure the host can be reached (connects and logs in, where there is such a thing), so that a host that
     * cannot be is told apart from a command that failed on it: nothing ran there.
     *
     * @throws dev.runbook.diag.RunbookException saying why it cannot be reached
     */
    default void connect() {
    }

    /** The host commands run on, for {@code target.host} and messages. */
    String host();

    @Override
    default void close() {
    }
}
