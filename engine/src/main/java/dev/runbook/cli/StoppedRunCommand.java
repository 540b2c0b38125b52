package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import dev.runbook.vars.ParamBinder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The options of the commands that act on a stopped run by its id ({@code resume}, {@code rollback}). */
abstract class StoppedRunCommand implements Callable<Integer> {

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

    /** The engine call of the command. */
    abstract RunEngine.Outcome act(String runId, ParamBinder.Inputs inputs, Runs.Settings settings)
            throws InterruptedException;

    @Override
    public Integer call() throws InterruptedException {
        RunEngine.Outcome outcome = act(runId, inputs.toInputs(), run.settings(spec));
        return reports.write(outcome, ExitCodes.of(outcome.status()), spec.commandLine().getErr());
    }
}
