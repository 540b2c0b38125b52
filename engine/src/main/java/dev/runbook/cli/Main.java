package dev.runbook.cli;

import dev.runbook.diag.InputException;
import dev.runbook.diag.InvalidRunbookException;
import dev.runbook.diag.RunbookException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/** The {@code runbook} command: picocli wiring, and the one place where errors become exit codes. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, utf8(System.out), utf8(System.err)));
    }

    private static PrintWriter utf8(java.io.OutputStream stream) {
        return new PrintWriter(new java.io.OutputStreamWriter(stream, java.nio.charset.StandardCharsets.UTF_8), true);
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cli = RunbookCommand.commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> handle(e, err, debug));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("runbook: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.INVALID;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int handle(Exception e, PrintWriter err, boolean debug) {
        if (e instanceof InvalidRunbookException invalid) {
            invalid.problems().forEach(p -> err.println(p.format()));
            return ExitCodes.INVALID;
        }
        if (e instanceof RunbookException r) {
            err.println("runbook: error: " + r.describe());
            if (debug) {
                e.printStackTrace(err);
            }
            return e instanceof InputException || r.location() != null ? ExitCodes.INVALID : ExitCodes.FAILED;
        }
        err.println("runbook: internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) {
            e.printStackTrace(err);
        }
        return ExitCodes.INTERNAL;
    }
}
