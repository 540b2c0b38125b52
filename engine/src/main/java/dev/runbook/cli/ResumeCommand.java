package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook resume RUN_ID}: continues a run stopped by a crash, a signal or an approval gate. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue a stopped run where its journal ends; completed steps do not run again.",
                "Secret params are not in the journal: give them again (env, --set or --vars)."})
final class ResumeCommand implements Callable<Integer> {

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
        RunEngine.Outcome outcome = Runs.resume(runId, inputs.toInputs(), run.settings(spec));
        return reports.write(outcome, ExitCodes.of(outcome.status()), spec.commandLine().getErr());
    }
}
