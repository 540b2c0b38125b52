package dev.runbook.journal;

/** The event types of a run, as written in journals and {@code --output json}. */
public final class EventType {

    public static final String RUN_STARTED = "run.started";
    public static final String RUN_RESUMED = "run.resumed";
    public static final String PRECONDITION = "precondition.checked";
    public static final String STEP_STARTED = "step.started";
    public static final String STEP_OUTPUT = "step.output";
    public static final String STEP_RETRYING = "step.retrying";
    public static final String STEP_FINISHED = "step.finished";
    /** A step of a fleet starts on one host (a rollback of a run stopped before its step.host compensates it). */
    public static final String HOST_STARTED = "host.started";
    /** A step of a fleet finished on one host. */
    public static final String STEP_HOST = "step.host";
    /** A host of a fleet failed, within {@code max_fail}: it was rolled back on its own and left the run. */
    public static final String HOST_DROPPED = "host.dropped";
    /** The image id a Compose service runs, read before or after a step that changes it ({@code changes_image}). */
    public static final String IMAGE_RECORDED = "image.recorded";
    /** A batch of a fleet's rolling rollout ({@code serial}) begins. */
    public static final String ROLLOUT_BATCH = "rollout.batch";
    public static final String FACT_COLLECTED = "fact.collected";
    public static final String TRIGGER_FIRED = "trigger.fired";
    public static final String TRIGGERS_CHECKED = "triggers.checked";
    public static final String APPROVAL_REQUESTED = "approval.requested";
    public static final String APPROVAL_GIVEN = "approval.given";
    public static final String APPROVAL_REFUSED = "approval.refused";
    public static final String ROLLBACK_STARTED = "rollback.started";
    public static final String ROLLBACK_ACTION = "rollback.action";
    public static final String ROLLBACK_FINISHED = "rollback.finished";
    public static final String SUCCESS = "success.checked";
    public static final String RUN_INTERRUPTED = "run.interrupted";
    public static final String RUN_FINISHED = "run.finished";

    private EventType() {
    }
}
