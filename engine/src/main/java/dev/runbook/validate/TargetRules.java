package dev.runbook.validate;

import dev.runbook.diag.Problems;
import dev.runbook.expr.ExpressionException;
import dev.runbook.expr.Expressions;
import dev.runbook.model.Fact;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.parse.Keys;

/**
 * What may be done on which kind of target: {@code run_once} only on SSH targets, a fact reads one host (not a
 * fleet), a fleet's downloads name each host's copy, files are not copied to or from Docker targets in this
 * version, Docker steps and facts are on docker targets, {@code compose} and {@code run} are not, and
 * {@code changes_image} names a docker target.
 */
final class TargetRules {

    private final Runbook runbook;
    private final Problems problems;

    TargetRules(Runbook runbook, Problems problems) {
        this.runbook = runbook;
        this.problems = problems;
    }

    /** The rules for a step (or a rollback action) on its target. */
    void step(Step step) {
        var c = step.common();
        Target t = runbook.targets().get(c.on());
        if (t == null) {
            return;
        }
        if (c.runOnce() && !(t instanceof Target.Ssh)) {
            problems.add(c.onAt(), c.path() + ".run_once", "'run_once' is for steps on ssh targets (it runs a step on"
                    + " one host of a fleet); step '" + c.label() + "' runs on '" + t.name() + "', a " + t.kind()
                    + " target: drop 'run_once'");
        }
        boolean transfer = step instanceof Step.Upload || step instanceof Step.Download;
        if (transfer && t instanceof Target.Docker) {
            problems.add(c.onAt(), c.path() + ".on", "upload and download on docker targets are not in this version"
                    + " ('" + t.name() + "' is a docker target): use a run step with 'docker cp'");
        }
        String kind = step.kind();
        if (Keys.DOCKER_STEP_KINDS.contains(kind) && !(t instanceof Target.Docker)) {
            problems.add(c.onAt(), c.path() + ".on", article(kind) + " " + kind + " step runs on a docker target; step '" + c.label()
                    + "' runs on '" + t.name() + "', " + a(t) + ": declare one, such as engine: { docker: default },"
                    + " and write on: engine");
        }
        if (step instanceof Step.Compose && t instanceof Target.Docker) {
            problems.add(c.onAt(), c.path() + ".on", "a compose step runs the Compose CLI on a local or ssh target,"
                    + " where its files are; '" + t.name() + "' is a docker target");
        }
        if (step instanceof Step.Run && t instanceof Target.Docker) {
            problems.add(c.onAt(), c.path() + ".on", "a run step cannot run on '" + t.name() + "', a docker target:"
                    + " use exec (a command in a running container) or container (a one-off container)");
        }
        if (c.changesImage() != null) {
            var w = c.changesImage();
            Target engine = runbook.targets().get(w.target());
            if (engine != null && !(engine instanceof Target.Docker)) {
                problems.add(w.at(), c.path() + ".changes_image.on", "'changes_image.on' must name the docker target"
                        + " that runs the service (without 'on', it is the step's own target); '" + engine.name()
                        + "' is " + a(engine));
            }
        }
        if (step instanceof Step.Download d && t instanceof Target.Ssh ssh && ssh.fleet() && !readsTarget(d.to())) {
            problems.add(d.to().at(), c.path() + ".download.to", "'" + t.name() + "' is a fleet: every host would write"
                    + " its download to the one file '" + d.to().source() + "'; name each host's copy with"
                    + " ${target.name} (or ${target.host}), such as logs/${target.name}.log");
        }
    }

    static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /** The target's kind with its article: {@code a ssh target}, {@code the local target}. */
    private static String a(Target t) {
        return t instanceof Target.Local ? "the local machine" : "a " + t.kind() + " target";
    }

    /** A fact reads one host; a docker fact reads a docker target. */
    void fact(Fact f) {
        Target t = runbook.targets().get(f.on());
        if (f.source() instanceof dev.runbook.model.FactSource.Docker && t != null && !(t instanceof Target.Docker)) {
            problems.add(f.onAt(), "facts." + f.name() + ".on", "a docker fact reads a docker target; fact '"
                    + f.name() + "' is on '" + t.name() + "', " + a(t) + ": declare one, such as"
                    + " engine: { docker: default }, and write on: engine");
        }
        if (runbook.targets().get(f.on()) instanceof Target.Ssh ssh && ssh.fleet()) {
            problems.add(f.onAt(), "facts." + f.name() + ".on", "a fact reads one host; '" + ssh.name()
                    + "' is a fleet: declare a target for the one host to read (such as db: { ssh: deploy@db1 })"
                    + " and put the fact on it");
        }
    }

    /** Whether a template reads {@code target}: then it differs from host to host. */
    private static boolean readsTarget(Text t) {
        try {
            return Expressions.template(t).expressions().stream().flatMap(e -> e.references().stream())
                    .anyMatch(r -> r.get(0).equals("target"));
        } catch (ExpressionException e) {
            return true; // reported as a template problem already
        }
    }
}
