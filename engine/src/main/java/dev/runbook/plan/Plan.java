package dev.runbook.plan;

import java.util.List;
import java.util.Map;

/**
 * What {@code runbook exec} would do, as a reviewer reads it: params, targets, preconditions with their
 * evaluation, every step with its rendered actions and rollback, the triggers and the success checks.
 * Every text in it has had secrets masked.
 *
 * @param runbook       the runbook's name
 * @param description   its description, or null
 * @param file          the runbook file
 * @param offline       facts were not collected
 * @param notes         remarks about how the plan was made
 * @param params        each param's value and source
 * @param targets       where steps run
 * @param preconditions checked before anything changes
 * @param steps         in order, groups and includes flattened with a depth
 * @param triggers      rollback triggers
 * @param success       the verdict's checks
 */
public record Plan(String runbook, String description, String file, boolean offline, List<String> notes,
                   List<Param> params, List<Target> targets, List<Check> preconditions, List<Step> steps,
                   List<Trigger> triggers, List<Check> success) {

    /** A param: its value as shown ({@code ***} for secrets) and where it came from. */
    public record Param(String name, String type, String value, String source, boolean secret) {
    }

    /** A target and the hosts or engine it reaches. */
    public record Target(String name, String kind, List<String> hosts, String description) {
    }

    /**
     * A condition and what the dry run made of it.
     *
     * @param status {@code holds}, {@code fails}, {@code not evaluated} or {@code error}
     * @param detail  why, in words (which facts it waits for, the error)
     * @param message what a failure means, as the runbook says it, or null
     */
    public record Check(String name, String expression, String status, String detail, String message) {

        /** A check without a message of its own (a guard). */
        public Check(String name, String expression, String status, String detail) {
            this(name, expression, status, detail, null);
        }
    }

    /**
     * One step.
     *
     * @param number     {@code 3} or {@code 3.2} inside a group or include
     * @param depth      0 for top-level steps
     * @param actions    what it does, rendered: commands, requests, questions
     * @param guard      its {@code when}, evaluated, or null
     * @param rollback   its compensation, in order
     * @param fleet      how it runs over the hosts of an SSH fleet, or null on a single host
     */
    public record Step(String number, String id, String label, String kind, String target, int depth,
                       String description, List<String> actions, Check guard, String timeout, int retries,
                       String delay, boolean irreversible, boolean continueOnError, Map<String, String> outputs,
                       List<Action> rollback, Fleet fleet) {
    }

    /**
     * A step on a fleet.
     *
     * @param hosts   the hosts, as {@code web1 (deploy@10.0.0.11)}; an inventory group's name when the plan has no
     *                inventory
     * @param rollout how it goes over them, in words: batches, failures tolerated, parallelism; or, for a
     *                {@code run_once} step, that it runs on the first host only
     * @param once    the step has {@code run_once}
     */
    public record Fleet(List<String> hosts, String rollout, boolean once) {
    }

    /** A rollback action: what it runs, where, and under which condition. */
    public record Action(String kind, String target, String action, String when) {
    }

    /** A rollback trigger, when it is armed, what the dry run made of it, and its message (or null). */
    public record Trigger(String name, String expression, String armedAfter, String status, String detail,
                          String message) {
    }

    /** Counts for the summary line. */
    public String summary() {
        long top = steps.stream().filter(s -> s.depth() == 0).count();
        long withRollback = steps.stream().filter(s -> !s.rollback().isEmpty()).count();
        long irreversible = steps.stream().filter(Step::irreversible).count();
        return count(top, "step") + (top == steps.size() ? "" : " (" + steps.size() + " counting those in groups and includes)")
                + ", " + withRollback + " with rollback, " + irreversible + " irreversible; "
                + count(preconditions.size(), "precondition") + ", " + count(triggers.size(), "rollback trigger") + ", "
                + count(success.size(), "success check");
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
