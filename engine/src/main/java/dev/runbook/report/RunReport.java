package dev.runbook.report;

import dev.runbook.exec.RunHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a run's report says, read from its journal alone: who ran which runbook when, the verdict, every step that
 * ended (with its hosts on a fleet), the checks and triggers with the values that decided them, the facts
 * collected, the rollback and what to do next. {@link MarkdownReport}, {@link JunitReport} and {@link JsonReport}
 * write it; secrets are masked already, as the journal keeps them.
 *
 * @param runbook       the runbook's name
 * @param runId         the run id
 * @param file          the runbook file, absolute
 * @param user          who started the run (the operating system user), or null when the journal does not say
 * @param started       when the run started
 * @param ended         the time of the journal's last event
 * @param status        the last {@code run.finished} status, or null when the journal just stops
 * @param message       the verdict in one line, as the run gave it (or why there is none)
 * @param params        every param as the run bound it, secrets as {@code ***}
 * @param resumes       how many times the run was resumed or rolled back by a later command
 * @param steps         every step that started, in the order they started
 * @param preconditions the preconditions, as checked
 * @param successChecks the success checks, as checked
 * @param triggers      the {@code rollback_on} triggers that fired
 * @param facts         each fact collected, with its last value
 * @param approvals     each approval gate reached and its answer
 * @param rollback      the rollback, or null when the run did not roll back
 * @param next          the commands that continue a stopped run (resume, roll back); empty when it is over
 */
public record RunReport(String runbook, String runId, String file, String user, Instant started, Instant ended,
                        String status, String message, Map<String, Object> params, int resumes, List<Step> steps,
                        List<Check> preconditions, List<Check> successChecks, List<Trigger> triggers,
                        List<Fact> facts, List<Approval> approvals, Rollback rollback, List<String> next) {

    /** The report of the run whose journal is {@code journal} ({@code STATE/runs/RUN_ID/journal.jsonl}). */
    public static RunReport of(Path journal) {
        return ReportBuilder.build(RunHistory.read(journal), journal);
    }

    /** The verdict in words, as a manager reads it first. */
    public String verdict() {
        if (status == null) {
            return "Stopped: the run did not finish (it was killed, or is still running)";
        }
        return switch (status) {
            case "succeeded" -> "Succeeded";
            case "checks_failed" -> "Failed: every step ran, but a success check does not hold";
            case "not_started" -> "Not started: a precondition does not hold, nothing was changed";
            case "rolled_back" -> "Failed and rolled back";
            case "rollback_incomplete" -> "Failed, and the rollback is INCOMPLETE: a human must act";
            case "awaiting_approval" -> "Stopped: waiting for an approval";
            case "interrupted" -> "Stopped: interrupted by a signal";
            default -> status;
        };
    }

    /** How long the run took, from its start to its last event. */
    public Duration duration() {
        return Duration.between(started, ended);
    }

    /** Whether the run is over for good (a verdict that nothing continues). */
    public boolean over() {
        return status != null && RunHistory.FINAL.contains(status);
    }

    /**
     * A step that started.
     *
     * @param status   {@code ok}, {@code failed}, {@code skipped}, {@code timed_out}; or, for a step that started
     *                 and never ended, {@code unfinished} (the run stopped in it), {@code awaiting_approval} (the
     *                 gate the run waits at) or {@code unanswered} (a gate the run was rolled back from)
     * @param error    why it failed, or why it was skipped (its guard)
     * @param stderr   its standard error when it failed
     * @param hosts    on a fleet, its result on each host; empty otherwise
     */
    public record Step(String id, String name, String kind, String target, String status, long durationMs,
                       int attempts, Integer exitCode, String error, String stderr, List<Host> hosts) {

        public boolean failed() {
            return status.equals("failed") || status.equals("timed_out");
        }

        public boolean skipped() {
            return status.equals("skipped");
        }

        /** How many hosts it was ok on. */
        public long hostsOk() {
            return hosts.stream().filter(h -> h.status().equals("ok")).count();
        }

        /** How many hosts it failed or timed out on. */
        public long hostsFailed() {
            return hosts.stream().filter(Host::failed).count();
        }
    }

    /**
     * A fleet step's result on one host.
     *
     * @param reached false when the host could not be reached: nothing ran there
     */
    public record Host(String name, String status, long durationMs, Integer exitCode, String error,
                       boolean reached) {

        public boolean failed() {
            return status.equals("failed") || status.equals("timed_out");
        }
    }

    /**
     * A precondition or success check.
     *
     * @param detail  why it could not be evaluated
     * @param message its {@code message}, when it does not hold
     * @param values  the value of every name its expression read, when it does not hold
     */
    public record Check(String name, boolean holds, String detail, String message, Map<String, Object> values) {
    }

    /**
     * A trigger that fired.
     *
     * @param afterStep the step after which it was checked
     * @param values    the value of every name its expression read
     */
    public record Trigger(String name, String when, String afterStep, String message, Map<String, Object> values) {
    }

    /**
     * A fact, as last collected.
     *
     * @param value its value as text (JSON for a map or a list), or null when it could not be collected
     * @param error why it could not be collected
     * @param times how many times the run collected it
     */
    public record Fact(String name, String kind, String value, String error, Instant time, int times) {
    }

    /**
     * An approval gate that was reached.
     *
     * @param answer {@code approved by ...}, {@code refused}, or null while it waits
     */
    public record Approval(String step, String question, String answer) {
    }

    /**
     * The rollback.
     *
     * @param reason        why the run rolled back
     * @param complete      whether everything that could be undone was; null when the rollback did not finish
     * @param actions       every rollback action, in the order they ran
     * @param failed        the steps whose compensation failed
     * @param irreversible  the irreversible step that stopped it, or null
     * @param notRolledBack the steps left as they are behind the irreversible one
     */
    public record Rollback(String reason, Boolean complete, List<Action> actions, List<String> failed,
                           String irreversible, List<String> notRolledBack) {
    }

    /**
     * One action of a step's rollback list.
     *
     * @param number its position in the step's list, from 1
     * @param host   on a fleet, the host it ran on; null otherwise
     * @param when   for a skipped action, its guard that did not hold
     */
    public record Action(String step, int number, String host, String kind, String status, long durationMs,
                         String error, String when) {
    }
}
