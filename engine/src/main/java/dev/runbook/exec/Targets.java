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
