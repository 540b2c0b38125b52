package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook rollback RUN_ID}: runs the compensations of a stopped run. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Roll a stopped run back: the rollback of each step it completed, in reverse order.")
final class RollbackCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run (see 'runbook runs').")
    String runId;

    @Mixin
    Inputs inputs;

    @Mixin
    RunOptions run;

    @Mixin
    ReportOptions reports;

    @Override
    public Integer call() throws InterruptedException {
        RunEngine.Outcome outcome = Runs.rollback(runId, inputs.toInputs(), run.settings(spec));
        return reports.write(outcome, ExitCodes.of(outcome.status()), spec.commandLine().getErr());
    }
}
