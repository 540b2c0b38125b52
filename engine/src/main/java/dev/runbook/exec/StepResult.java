package dev.runbook.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What became of a step: the values {@code steps.ID} gives expressions.
 *
 * @param status   {@code ok}, {@code failed}, {@code skipped} or {@code timed_out}
 * @param exitCode the command's exit status, or null for steps that run none
 * @param outputs  the step's declared outputs, rendered
 * @param attempts how many times it ran
 * @param error    why it failed, or null
 */
public record StepResult(String id, String status, Integer exitCode, String stdout, String stderr,
                         Map<String, String> outputs, long durationMs, int attempts, String error) {

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String TIMED_OUT = "timed_out";

    public boolean ok() {
        return status.equals(OK);
    }

    public boolean failed() {
        return status.equals(FAILED) || status.equals(TIMED_OUT);
    }

    /** The map expressions read as {@code steps.ID}. */
    public Map<String, Object> toRoot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("ok", ok());
        m.put("failed", failed());
        m.put("skipped", status.equals(SKIPPED));
        m.put("exit_code", exitCode);
        m.put("stdout", stdout == null ? "" : stdout);
        m.put("stderr", stderr == null ? "" : stderr);
        m.put("outputs", outputs);
        m.put("duration", durationMs);
        m.put("attempts", attempts);
        return m;
    }

    /** The fields the journal keeps of it (masking is the emitter's business). */
    public Map<String, Object> toJournal() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        if (exitCode != null) {
            m.put("exit_code", exitCode);
        }
        m.put("duration_ms", durationMs);
        m.put("attempts", attempts);
        if (stdout != null && !stdout.isEmpty()) {
            m.put("stdout", stdout);
        }
        if (stderr != null && !stderr.isEmpty()) {
            m.put("stderr", stderr);
        }
        if (!outputs.isEmpty()) {
            m.put("outputs", outputs);
        }
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** The result a journal's {@code step.finished} event records. */
    @SuppressWarnings("unchecked")
    public static StepResult fromJournal(String id, Map<String, Object> d) {
        Object exit = d.get("exit_code");
        Object outputs = d.get("outputs");
        return new StepResult(id, String.valueOf(d.get("status")), exit == null ? null : ((Number) exit).intValue(),
                (String) d.get("stdout"), (String) d.get("stderr"),
                outputs == null ? Map.of() : (Map<String, String>) outputs,
                ((Number) d.getOrDefault("duration_ms", 0)).longValue(),
                ((Number) d.getOrDefault("attempts", 1)).intValue(), (String) d.get("error"));
    }
}
