package dev.runbook.validate;

import dev.runbook.diag.Problems;
import dev.runbook.expr.ExpressionException;
import dev.runbook.expr.Expressions;
import dev.runbook.model.Fact;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Text;

/**
 * What may be done on which kind of target: {@code run_once} only on SSH targets, a fact reads one host (not a
 * fleet), a fleet's downloads name each host's copy, and files are not copied to or from Docker targets in this
 * version.
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
        if (step instanceof Step.Download d && t instanceof Target.Ssh ssh && ssh.fleet() && !readsTarget(d.to())) {
            problems.add(d.to().at(), c.path() + ".download.to", "'" + t.name() + "' is a fleet: every host would write"
                    + " its download to the one file '" + d.to().source() + "'; name each host's copy with"
                    + " ${target.name} (or ${target.host}), such as logs/${target.name}.log");
        }
    }

    /** A fact reads one host. */
    void fact(Fact f) {
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
