package dev.runbook.cli;

/** Every exit code of the {@code runbook} command, in one place. The README lists the same table. */
public final class ExitCodes {

    /** Valid, planned, or the run succeeded. */
    public static final int OK = 0;
    /** The run failed and was rolled back cleanly, or a verification failed. */
    public static final int FAILED = 1;
    /** The runbook, a vars file or the command line is invalid; nothing ran. */
    public static final int INVALID = 2;
    /** The run failed and its rollback did not complete: a human must act. */
    public static final int ROLLBACK_INCOMPLETE = 3;
    /** The run stopped at an approval gate; {@code runbook resume} continues it. */
    public static final int AWAITING_APPROVAL = 4;
    /** Another run holds the lock. */
    public static final int LOCK_HELD = 5;
    /** Stopped by SIGINT or SIGTERM (128 + SIGINT's number, as shells do); resume or roll back. */
    public static final int INTERRUPTED = 130;
    /** A bug in the engine: the message says so, {@code --debug} shows the stack trace. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }

    /** The exit code of a run that ended so. */
    public static int of(dev.runbook.exec.RunStatus status) {
        return switch (status) {
            case SUCCEEDED -> OK;
            case CHECKS_FAILED, NOT_STARTED, ROLLED_BACK -> FAILED;
            case ROLLBACK_INCOMPLETE -> ROLLBACK_INCOMPLETE;
            case AWAITING_APPROVAL -> AWAITING_APPROVAL;
            case INTERRUPTED -> INTERRUPTED;
        };
    }
}
