package dev.runbook.exec;

/** Thrown through the step walk when the run must stop going forward: why, and at which step. */
final class StopRun extends Exception {

    /** Why the run stops. */
    enum Reason { STEP_FAILED, TRIGGER_FIRED, APPROVAL_REFUSED, APPROVAL_PENDING, INTERRUPTED }

    final Reason reason;
    final String step;

    StopRun(Reason reason, String step, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.step = step;
    }
}
