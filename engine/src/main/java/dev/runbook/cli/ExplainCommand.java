package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.plan.PlanProse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook explain FILE}: the offline plan as prose, for a reviewer who does not read YAML. Collects no fact,
 * contacts nothing, changes nothing.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Describe in sentences what the runbook does, checks, rolls back and counts as success"
                + " (offline: nothing is contacted).")
final class ExplainCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Mixin
    Inputs inputs;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(PlanProse.render(Runbooks.plan(Runbooks.require(file), inputs.toInputs(),
                true)));
        return ExitCodes.OK;
    }
}
