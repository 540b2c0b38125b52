package dev.runbook.exec;

import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import java.nio.file.Path;

/**
 * The targets of a runbook reached outside a run, for reading facts on them ({@code runbook facts}, the dry run,
 * {@code runbook verify}): SSH hosts connected on first use, with the host keys they already have in known_hosts
 * (a first contact is refused: that is for a run, with {@code --accept-new-host-keys}).
 */
public final class TargetConnections implements AutoCloseable {

    private final Targets targets;

    private TargetConnections(Targets targets) {
        this.targets = targets;
    }

    public static TargetConnections open(Runbook runbook, BoundParams params) {
        Path parent = runbook.file().toAbsolutePath().getParent();
        return new TargetConnections(new Targets(runbook, params, new SshLogins(params,
                new SshLogins.Settings(false, parent == null ? Path.of(".") : parent))));
    }

    /** The engine of a docker target. */
    public dev.runbook.exec.docker.DockerEngine docker(String target) {
        return targets.docker(target);
    }

    /** The executor of a single-host target. */
    public Executor executor(String target) {
        return targets.executor(target);
    }

    @Override
    public void close() {
        targets.close();
    }
}
