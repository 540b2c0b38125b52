package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import dev.runbook.vars.ParamBinder;
import picocli.CommandLine.Command;

/** {@code runbook resume RUN_ID}: continues a run stopped by a crash, a signal or an approval gate. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continue a stopped run where its journal ends; completed steps do not run again.",
                "Secret params are not in the journal: give them again (env, --set or --vars)."})
final class ResumeCommand extends StoppedRunCommand {

    @Override
    RunEngine.Outcome act(String runId, ParamBinder.Inputs inputs, Runs.Settings settings) throws InterruptedException {
        return Runs.resume(runId, inputs, settings);
    }
}
