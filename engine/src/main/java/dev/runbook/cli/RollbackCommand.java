package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import dev.runbook.vars.ParamBinder;
import picocli.CommandLine.Command;

/** {@code runbook rollback RUN_ID}: runs the compensations of a stopped run. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a stopped run back: the rollback of each step it completed, in reverse order.")
final class RollbackCommand extends StoppedRunCommand {

    @Override
    RunEngine.Outcome act(String runId, ParamBinder.Inputs inputs, Runs.Settings settings) throws InterruptedException {
        return Runs.rollback(runId, inputs, settings);
    }
}
