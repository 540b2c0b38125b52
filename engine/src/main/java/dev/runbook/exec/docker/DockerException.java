package dev.runbook.exec.docker;

import dev.runbook.diag.RunbookException;

/** A Docker engine call failed; the message names the engine, says what went wrong and what to do, on one line. */
public class DockerException extends RunbookException {

    public DockerException(String message) {
        super(message);
    }

    public DockerException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
