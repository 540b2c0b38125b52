package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import java.util.HashMap;
import java.util.Map;

/** The executor of each target of a run, opened on first use and closed at the end of the run. */
final class Targets implements AutoCloseable {

    private final Runbook runbook;
    private final Map<String, Executor> open = new HashMap<>();

    Targets(Runbook runbook) {
        this.runbook = runbook;
    }

    /**
     * Refuses, before anything runs, a runbook with steps on targets this version cannot reach, instead of
     * failing half-way through a deploy.
     */
    static void requireReachable(Runbook runbook) {
        java.util.Set<String> used = new java.util.TreeSet<>();
        collect(runbook.steps(), used);
        java.util.List<String> unreachable = used.stream()
                .filter(n -> !(runbook.targets().get(n) instanceof Target.Local))
                .map(n -> n + " (" + runbook.targets().get(n).kind() + ")").toList();
        if (!unreachable.isEmpty()) {
            throw new dev.runbook.diag.InputException("this version runs steps on local targets only; the runbook has"
                    + " steps on " + String.join(", ", unreachable) + ": nothing was run");
        }
    }

    private static void collect(java.util.List<dev.runbook.model.Step> steps, java.util.Set<String> used) {
        for (var s : steps) {
            used.add(s.common().on());
            collect(s.common().rollback(), used);
            if (s instanceof dev.runbook.model.Step.Group g) {
                collect(g.steps(), used);
            } else if (s instanceof dev.runbook.model.Step.Include i) {
                collect(i.fragment().steps(), used);
            }
        }
    }

    synchronized Executor executor(String name) {
        return open.computeIfAbsent(name, n -> {
            Target t = runbook.targets().get(n);
            if (t instanceof Target.Local) {
                return new LocalExecutor();
            }
            throw new RunbookException("target '" + n + "' is " + t.kind() + ": this version runs steps on local"
                    + " targets only");
        });
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Executor::close);
        open.clear();
    }
}
