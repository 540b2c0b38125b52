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
    /** A bug in the engine: the message says so, {@code --debug} shows the stack trace. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
