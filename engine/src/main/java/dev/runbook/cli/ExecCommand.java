package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.Runs;
import dev.runbook.exec.RunEngine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook exec FILE}: runs the runbook. With {@code --dry-run} it is exactly {@code runbook plan}. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run the runbook; roll back by itself when a step fails, a trigger fires or an approval is refused.")
final class ExecCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Mixin
    Inputs inputs;

    @Mixin
    RunOptions run;

    @Mixin
    ReportOptions reports;

    @Option(names = "--dry-run", description = "Plan only: the same as 'runbook plan'.")
    boolean dryRun;

    @Option(names = "--offline", description = "With --dry-run: collect no facts.")
    boolean offline;

    @Option(names = "--format", defaultValue = "text", description = "With --dry-run: text, json or markdown.")
    String format;

    @Override
    public Integer call() throws InterruptedException {
        if (dryRun) {
            return PlanCommand.print(spec, Runbooks.plan(Runbooks.require(file), inputs.toInputs(), offline), format);
        }
        RunEngine.Outcome outcome = Runs.exec(file, inputs.toInputs(), run.settings(spec));
        return reports.write(outcome, ExitCodes.of(outcome.status()), spec.commandLine().getErr());
    }
}
