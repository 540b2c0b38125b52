package dev.runbook.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top-level command; the work is in its subcommands. */
@Command(name = "runbook", mixinStandardHelpOptions = true, versionProvider = RunbookCommand.Version.class,
        description = "Declarative YAML runbooks for safe production deploys: validate, plan, execute, roll back.",
        subcommands = {ValidateCommand.class, PlanCommand.class, ExecCommand.class, SchemaCommand.class,
                AutoComplete.GenerateCompletion.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  ok: valid, planned, or the run succeeded",
                "  1  the run failed and was rolled back cleanly",
                "  2  invalid runbook, vars or command line; nothing ran",
                "  3  the run failed and its rollback is incomplete: a human must act",
                "  4  stopped at an approval gate",
                "  5  another run holds the lock",
                " 70  internal error (--debug shows the stack trace)"})
public final class RunbookCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is needed: validate, plan, exec or schema");
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RunbookCommand.class.getPackage().getImplementationVersion();
            return new String[] {"runbook " + (v == null ? "dev" : v) + " (language version 1)",
                    "Java " + System.getProperty("java.version")};
        }
    }
}
