package dev.runbook.cli;

import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top-level command; the work is in its subcommands. */
@Command(name = "runbook", mixinStandardHelpOptions = true, versionProvider = RunbookCommand.Version.class,
        description = "Declarative YAML runbooks for safe production deploys: validate, plan, execute, roll back.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  ok: valid, planned, or the run succeeded",
                "  1  the run failed and was rolled back cleanly",
                "  2  invalid runbook, vars or command line; nothing ran",
                "  3  the run failed and its rollback is incomplete: a human must act",
                "  4  stopped at an approval gate",
                "  5  another run holds the lock",
                "130  interrupted (SIGINT/SIGTERM): resume or roll back",
                " 70  internal error (--debug shows the stack trace)"})
public final class RunbookCommand implements Runnable {

    /** The subcommands' names, in the order help lists them. */
    static final List<String> SUBCOMMANDS = List.of("validate", "plan", "explain", "exec", "resume", "rollback", "runs", "show",
            "verify", "facts", "schema", "init", "generate-completion");

    /** A new instance of the subcommand {@code name}, one of {@link #SUBCOMMANDS}. */
    private static Object subcommand(String name) {
        // A switch, not a map of method references: no lambda here names a picocli class (which are Java 5
        // bytecode), so that JDK 25's AOT cache can hold this class's linked call sites (see ./runbook).
        switch (name) {
            case "validate":
                return new ValidateCommand();
            case "plan":
                return new PlanCommand();
            case "explain":
                return new ExplainCommand();
            case "exec":
                return new ExecCommand();
            case "resume":
                return new ResumeCommand();
            case "rollback":
                return new RollbackCommand();
            case "runs":
                return new RunsCommand();
            case "show":
                return new ShowCommand();
            case "verify":
                return new VerifyCommand();
            case "facts":
                return new FactsCommand();
            case "schema":
                return new SchemaCommand();
            case "init":
                return new InitCommand();
            case "generate-completion":
                return new AutoComplete.GenerateCompletion();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /**
     * The command line for {@code args}. Picocli reads every registered command's annotations at start-up, so
     * only the subcommand being run is registered; help, completion and anything unrecognised get them all.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new RunbookCommand());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.contains(first) && !first.equals("generate-completion")) {
            cli.addSubcommand(first, subcommand(first));
        } else {
            for (String name : SUBCOMMANDS) {
                cli.addSubcommand(name, subcommand(name));
            }
        }
        return cli;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is needed: validate, plan, explain, exec, resume, rollback, runs, show, verify, schema or init");
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return QuickStart.versionLines();
        }
    }
}
