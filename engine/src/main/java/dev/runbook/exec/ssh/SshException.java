package dev.runbook.exec.ssh;

import dev.runbook.diag.RunbookException;

/** An SSH connection, command or transfer failed; the message names the host and says what to do. */
public class SshException extends RunbookException {

    public SshException(String message) {
        super(message);
    }

    public SshException(String message, Throwable cause) {
        super(message, null, cause);
    }
}
