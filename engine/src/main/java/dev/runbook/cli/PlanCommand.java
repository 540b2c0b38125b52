package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.plan.Plan;
import dev.runbook.plan.PlanJson;
import dev.runbook.plan.PlanMarkdown;
import dev.runbook.plan.PlanText;
import dev.runbook.report.AtomicFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook plan FILE}: the dry run a reviewer reads. Never changes anything. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show what exec would do: rendered commands, guards, rollback plan, triggers, success checks.")
final class PlanCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Mixin
    Inputs inputs;

    @Option(names = "--offline", description = "Collect no facts.")
    boolean offline;

    @Option(names = "--facts-from", paramLabel = "SNAPSHOT.json",
            description = "Evaluate checks against the fact values recorded by 'runbook facts --save' instead of"
                    + " collecting them.")
    Path factsFrom;

    @Option(names = "--format", defaultValue = "text", description = "text, json or markdown.")
    String format;

    @Option(names = "--report", paramLabel = "FILE.md",
            description = "Also write the plan as Markdown into FILE.md (for the change request or the review).")
    Path report;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Override
    public Integer call() {
        if (factsFrom != null) {
            if (offline) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--facts-from and --offline cannot be used together");
            }
            var snapshot = FactsCommand.readSnapshot(factsFrom);
            return printAndReport(Runbooks.plan(Runbooks.require(file), inputs.toInputs(), snapshot,
                    factsFrom.toString()));
        }
        return printAndReport(Runbooks.plan(Runbooks.require(file), inputs.toInputs(), offline));
    }

    private int printAndReport(Plan plan) {
        int code = print(spec, plan, format);
        if (report == null) {
            return code;
        }
        String error = AtomicFile.write(report, () -> PlanMarkdown.render(plan));
        if (error == null) {
            return code;
        }
        spec.commandLine().getErr().println("runbook: " + error);
        spec.commandLine().getErr().flush();
        return ExitCodes.INVALID;
    }

    /** Prints a plan in the format asked for; shared with {@code exec --dry-run}. */
    static int print(picocli.CommandLine.Model.CommandSpec spec, Plan plan, String format) {
        String text = switch (format) {
            case "text" -> PlanText.render(plan);
            case "json" -> PlanJson.render(plan);
            case "markdown", "md" -> PlanMarkdown.render(plan);
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format is text, json or markdown, not " + format);
        };
        spec.commandLine().getOut().print(text);
        return ExitCodes.OK;
    }
}
