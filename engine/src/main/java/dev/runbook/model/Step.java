package dev.runbook.model;

import java.util.List;
import java.util.Map;

/** A step of a runbook. Each kind is a record here; every step also has the {@link StepCommon} keys. */
public sealed interface Step {

    StepCommon common();

    /** The kind keyword as written in YAML, such as {@code run}. */
    String kind();

    default String id() {
        return common().id();
    }

    /** Runs a shell command on the step's target. */
    record Run(StepCommon common, Text command) implements Step {
        public String kind() {
            return "run";
        }
    }

    /** Fails unless the expression holds. */
    record Assert(StepCommon common, Expr that) implements Step {
        public String kind() {
            return "assert";
        }
    }

    /** Polls {@code until} every {@code every} until it holds, failing after {@code within}. */
    record Wait(StepCommon common, Expr until, DurationSpec every, DurationSpec within) implements Step {
        public String kind() {
            return "wait";
        }
    }

    /** Sends HTTP requests, each expected to answer as {@code expect} says. */
    record Http(StepCommon common, List<HttpRequest> requests, HttpExpect expect) implements Step {
        public String kind() {
            return "http";
        }
    }

    /** A gate a human answers. */
    record Approve(StepCommon common, Text question) implements Step {
        public String kind() {
            return "approve";
        }
    }

    /** Watches facts for a window; rollback triggers are live throughout. */
    record Monitor(StepCommon common, DurationSpec duration, DurationSpec every, int failureLimit,
                   List<Check> checks) implements Step {
        public String kind() {
            return "monitor";
        }
    }

    /**
     * Tells people: a message rendered from a template file and/or text, sent to a webhook and/or by email.
     *
     * @param webhook  null when it only emails
     * @param email    null when it only posts to a webhook
     * @param template a file relative to the runbook's directory, or null
     * @param required a failure stops the run (and rolls it back); without it the run goes on
     */
    record Notify(StepCommon common, Notification.Webhook webhook, Notification.Email email, String template,
                  Text message, boolean required) implements Step {
        public String kind() {
            return "notify";
        }
    }

    /**
     * Copies a file from this machine to the step's target (over SFTP on SSH targets), atomically: written beside
     * the destination, then renamed over it.
     *
     * @param from a path on this machine, relative to the runbook's directory
     * @param to   the path on the target
     * @param mode octal permissions such as {@code 0640}, or null to keep the target's default
     */
    record Upload(StepCommon common, Text from, Text to, String mode) implements Step {
        public String kind() {
            return "upload";
        }
    }

    /**
     * Copies a file from the step's target to this machine. On a fleet, {@code to} names each host's copy (it
     * reads {@code target.host}).
     *
     * @param from the path on the target
     * @param to   a path on this machine, relative to the runbook's directory
     */
    record Download(StepCommon common, Text from, Text to) implements Step {
        public String kind() {
            return "download";
        }
    }

    /** A one-off container on a docker target: started, waited for, its output and exit code kept, removed. */
    record Container(StepCommon common, Containers.Spec spec) implements Step {
        public String kind() {
            return "container";
        }
    }

    /** A command run in a running container ({@code docker exec}), with its output and exit code. */
    record Exec(StepCommon common, Containers.Ref container, Text command) implements Step {
        public String kind() {
            return "exec";
        }
    }

    /**
     * {@code restart}, {@code stop} or {@code start} of a container, or of every container of a Compose service.
     *
     * @param action restart, stop or start: also the kind
     */
    record Service(StepCommon common, String action, Containers.Ref container) implements Step {
        public String kind() {
            return action;
        }
    }

    /** {@code pull} of an image from its registry. */
    record Pull(StepCommon common, Text image) implements Step {
        public String kind() {
            return "pull";
        }
    }

    /** {@code tag}: an image (a name or an id) also named {@code as} ({@code name:tag}). */
    record Tag(StepCommon common, Text image, Text as) implements Step {
        public String kind() {
            return "tag";
        }
    }

    /** The Compose command line, on a local or SSH target. */
    record Compose(StepCommon common, Containers.Compose compose) implements Step {
        public String kind() {
            return "compose";
        }
    }

    /** Steps run in order as one. */
    record Group(StepCommon common, List<Step> steps) implements Step {
        public String kind() {
            return "group";
        }
    }

    /** The steps of a fragment file, with its params bound by {@code with}. */
    record Include(StepCommon common, String path, Map<String, Text> with, Fragment fragment) implements Step {
        public String kind() {
            return "include";
        }
    }

    /** One request of an {@code http} step. */
    record HttpRequest(Text url, String method, Map<String, Text> headers, Text body, DurationSpec timeout,
                       boolean insecure) {
    }

    /**
     * What an {@code http} step expects of each answer.
     *
     * @param status   accepted status codes; empty means any 2xx
     * @param contains text the body must contain, or null
     */
    record HttpExpect(List<Integer> status, String contains) {
        public static final HttpExpect ANY_2XX = new HttpExpect(List.of(), null);
    }
}
