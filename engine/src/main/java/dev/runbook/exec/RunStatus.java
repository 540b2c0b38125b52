package dev.runbook.exec;

/** How a run ended; the CLI maps each to its exit code. */
public enum RunStatus {
    /** Every step ran (or was skipped by its guard) and every success check holds. */
    SUCCEEDED,
    /** Every step ran, but a success check does not hold. */
    CHECKS_FAILED,
    /** A precondition does not hold: nothing was changed. */
    NOT_STARTED,
    /** A step failed, a trigger fired or an approval was refused, and the rollback completed. */
    ROLLED_BACK,
    /** The rollback could not complete (a compensation failed, or an irreversible step stood in the way). */
    ROLLBACK_INCOMPLETE,
    /** Stopped at an approval gate; {@code runbook resume} continues. */
    AWAITING_APPROVAL,
    /** Stopped by SIGINT or SIGTERM; {@code runbook resume} continues, {@code runbook rollback} undoes. */
    INTERRUPTED;

    /** The word used in journals and events. */
    public String word() {
        return name().toLowerCase();
    }
}
