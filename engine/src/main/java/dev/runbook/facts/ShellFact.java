package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import dev.runbook.exec.LocalExecutor;
import dev.runbook.model.Durations;
import dev.runbook.secret.Masker;
import java.time.Duration;
import java.util.function.Consumer;

/** A command run for a fact, on this machine: its stdout, or why there is none. */
final class ShellFact {

    /** The most stdout a shell fact keeps. */
    static final int LIMIT = 8 * 1024 * 1024;

    private ShellFact() {
    }

    /**
     * The stdout of {@code command} (every line, not only the tail a step keeps); fails with its stderr when it
     * exits non-zero, or when it runs past {@code timeout} (it is killed, with every process it started).
     *
     * @param shown  the command as messages show it (secrets masked)
     * @param masker masks secrets in what the command printed
     */
    static String run(String command, String shown, Duration timeout, Masker masker) {
        return run(new LocalExecutor(), command, shown, timeout, masker);
    }

    /** As {@link #run(String, String, Duration, Masker)}, on the host {@code on} reaches. */
    static String run(Executor on, String command, String shown, Duration timeout, Masker masker) {
        StringBuilder out = new StringBuilder();
        boolean[] over = {false};
        lines(on, command, shown, timeout, masker, line -> {
            if (out.length() + line.length() < LIMIT) {
                out.append(line).append('\n');
            } else {
                over[0] = true;
            }
        });
        if (over[0]) {
            throw new RunbookException("'" + shown + "' printed more than " + LIMIT / (1024 * 1024) + " MiB");
        }
        return out.toString();
    }

    /** Runs {@code command}, passing each line of its stdout to {@code stdout} as it comes; fails as {@link #run} does. */
    static void lines(String command, String shown, Duration timeout, Masker masker, Consumer<String> stdout) {
        lines(new LocalExecutor(), command, shown, timeout, masker, stdout);
    }

    /** As {@link #lines(String, String, Duration, Masker, Consumer)}, on the host {@code on} reaches. */
    static void lines(Executor on, String command, String shown, Duration timeout, Masker masker,
                      Consumer<String> stdout) {
        CommandResult r;
        try {
            r = on.run(command, timeout, (err, line) -> {
                if (!err) {
                    stdout.accept(line);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunbookException("interrupted while running '" + shown + "'");
        }
        if (r.timedOut()) {
            throw new RunbookException("'" + shown + "' timed out after " + Durations.format(timeout));
        }
        if (r.exitCode() != 0) {
            String err = r.stderr().strip();
            throw new RunbookException("'" + shown + "' exited with code " + r.exitCode()
                    + (err.isEmpty() ? " (no stderr)" : ": " + Parse.shorten(masker.mask(lastLines(err)))));
        }
    }

    private static String lastLines(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 5);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
