package dev.runbook.cli;

import dev.runbook.init.Templates;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook init [DIR]}: writes a starting runbook from a bundled template; never overwrites a file. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a new runbook (and an example vars file) from a template; existing files are never"
                + " overwritten.")
final class InitCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write (default: the current directory).")
    Path dir;

    @Option(names = "--template", defaultValue = "rails-compose", paramLabel = "NAME",
            description = "rails-compose (an SSH app host with Docker Compose; the default) or minimal.")
    String template;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Override
    public Integer call() {
        Templates.Written w = Templates.write(template, dir);
        PrintWriter out = spec.commandLine().getOut();
        w.files().forEach(f -> out.println("wrote " + f));
        String vars = w.vars() == null ? "" : " --vars " + w.vars();
        out.println();
        out.println("Next:");
        out.println("  runbook validate " + w.runbook());
        out.println("  runbook explain " + w.runbook() + vars);
        out.println("  runbook plan " + w.runbook() + vars + " --offline");
        return ExitCodes.OK;
    }
}
