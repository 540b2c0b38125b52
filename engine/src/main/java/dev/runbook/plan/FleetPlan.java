package dev.runbook.plan;

import dev.runbook.model.Inventory;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.vars.TargetHosts;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a plan says of SSH fleets: the hosts a target reaches (an inventory group expanded, or named when the plan
 * has no inventory) and how a step rolls out over them.
 */
final class FleetPlan {

    /** Hosts worked on in parallel when the target does not say. */
    static final int DEFAULT_FORKS = 50;

    private FleetPlan() {
    }

    /** The hosts of an SSH target as a reviewer reads them: {@code web1 (deploy@10.0.0.11)}, or the address. */
    static List<String> hosts(Target.Ssh t, Inventory inventory, Function<Text, String> render) {
        Optional<String> group = TargetHosts.group(t);
        if (group.isPresent() && inventory.file() == null) {
            return List.of("@" + group.get() + " (the hosts of inventory group '" + group.get()
                    + "': give --inventory FILE to list them)");
        }
        return TargetHosts.of(t, inventory, render).stream()
                .map(h -> h.name().equals(h.address()) ? h.address() : h.name() + " (" + h.address() + ")")
                .toList();
    }

    /** How a step on {@code t} runs over its hosts, or null when {@code t} is not a fleet. */
    static Plan.Fleet of(Target t, StepCommon c, Inventory inventory, Function<Text, String> render) {
        if (!(t instanceof Target.Ssh ssh) || !ssh.fleet()) {
            return null;
        }
        List<String> hosts = hosts(ssh, inventory, render);
        if (c.runOnce()) {
            Optional<String> group = TargetHosts.group(ssh);
            String first = group.isPresent() && inventory.file() == null ? " of group '" + group.get() + "'"
                    : ": " + hosts.get(0);
            return new Plan.Fleet(hosts, "once, on the first host still in play" + first, true);
        }
        return new Plan.Fleet(hosts, rollout(ssh), false);
    }

    /**
     * The rollout in words: {@code 2 hosts at a time (serial 2), forks 20; a failed host is rolled back on its own and
     * leaves the run, up to 1 (max_fail 1, in a batch and overall); more stop the run and ...}.
     */
    static String rollout(Target.Ssh t) {
        String serial = t.serial() == null ? "all hosts at once"
                : t.serial().endsWith("%") ? t.serial() + " of the hosts at a time (serial " + t.serial() + ")"
                : t.serial() + (t.serial().equals("1") ? " host" : " hosts") + " at a time (serial " + t.serial() + ")";
        String maxFail;
        if (t.maxFail() == null || t.maxFail().equals("0") || t.maxFail().equals("0%")) {
            maxFail = "the first failed host stops the run and rolls back the hosts already changed (max_fail "
                    + (t.maxFail() == null ? "0" : t.maxFail()) + ")";
        } else {
            maxFail = "a failed host is rolled back on its own and leaves the run, up to " + t.maxFail()
                    + (t.maxFail().endsWith("%") ? " of the hosts" : "") + " (max_fail " + t.maxFail()
                    + ", in a batch and overall); more stop the run and roll back the hosts already changed";
        }
        String forks = t.forks() == null ? "forks " + DEFAULT_FORKS + " (the default)" : "forks " + t.forks();
        return serial + ", " + forks + "; " + maxFail;
    }
}
