package dev.runbook.exec;

import java.time.Duration;

/**
 * How a command ended.
 *
 * @param exitCode its exit status; -1 when it was killed
 * @param stdout   what it printed (the last {@link OutputCapture#LIMIT} characters)
 * @param stderr   what it printed on stderr (likewise)
 * @param timedOut it was killed for running past its timeout
 * @param elapsed  how long it ran
 */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut, Duration elapsed) {

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }
}
