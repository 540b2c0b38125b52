package dev.runbook.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
                " 70  internal error (--debug shows the stack trace)"})
public final class RunbookCommand implements Runnable {

    /** The subcommands, by name, in the order help lists them. */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("validate", ValidateCommand::new);
        m.put("plan", PlanCommand::new);
        m.put("exec", ExecCommand::new);
        m.put("schema", SchemaCommand::new);
        m.put("generate-completion", AutoComplete.GenerateCompletion::new);
        return m;
    }

    /**
     * The command line for {@code args}. Picocli reads every registered command's annotations at start-up, so
     * only the subcommand being run is registered; help, completion and anything unrecognised get them all.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new RunbookCommand());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("generate-completion")) {
            cli.addSubcommand(first, SUBCOMMANDS.get(first).get());
        } else {
            SUBCOMMANDS.forEach((name, make) -> cli.addSubcommand(name, make.get()));
        }
        return cli;
    }

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
