package dev.runbook.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook validate FILE...}: every problem of every file, as {@code file:line:col: error: message}. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check runbooks without running anything; print every problem with file:line:column.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Runbook files.")
    List<Path> files;

    @Option(names = "--format", defaultValue = "text", description = "text or json.")
    String format;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Override
    public Integer call() {
        // An unknown format still gets the text report, then the usage error (as it always has).
        int code = Validation.run(files, format.equals("json"), spec.commandLine().getOut(), spec.commandLine().getErr());
        if (!format.equals("text") && !format.equals("json")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format is text or json, not " + format);
        }
        return code;
    }
}
