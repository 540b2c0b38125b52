package dev.runbook.cli;

import dev.runbook.diag.InputException;
import dev.runbook.diag.InvalidRunbookException;
import dev.runbook.diag.RunbookException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** The {@code runbook} command: picocli wiring, and the one place where errors become exit codes. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, utf8(System.out), utf8(System.err));
        dev.runbook.exec.LocalExecutor.stopWatching();
        System.exit(code);
    }

    private static PrintWriter utf8(java.io.OutputStream stream) {
        return new PrintWriter(new java.io.OutputStreamWriter(stream, java.nio.charset.StandardCharsets.UTF_8), true);
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        if (args.length > 0 && List.of("validate", "plan", "exec").contains(args[0])) {
            dev.runbook.Runbooks.warmUpInBackground();
        }
        Integer quick = QuickStart.run(args, out, err);
        if (quick != null) {
            out.flush();
            err.flush();
            return quick;
        }
        return runWithPicocli(args, out, err, debug);
    }

    /** Runs the command line with picocli (what {@link #run} does unless {@link QuickStart} can). */
    static int runWithPicocli(String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        CommandLine cli = RunbookCommand.commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ExecutionErrors(err, debug));
        cli.setParameterExceptionHandler(new UsageErrors(err));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    // The handlers are classes, not lambdas: no lambda names a picocli class (which are Java 5 bytecode), so
    // that JDK 25's AOT cache can hold the linked call sites of the classes that start every run (see ./runbook).

    /** An exception of a command: its message (and exit code) by {@link #handle}. */
    private static final class ExecutionErrors implements CommandLine.IExecutionExceptionHandler {
        private final PrintWriter err;
        private final boolean debug;

        ExecutionErrors(PrintWriter err, boolean debug) {
            this.err = err;
            this.debug = debug;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            return handle(e, err, debug);
        }
    }

    /** A usage error: one line, and where to find help. */
    private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        private final PrintWriter err;

        UsageErrors(PrintWriter err) {
            this.err = err;
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            err.println("runbook: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.INVALID;
        }
    }

    static int handle(Exception e, PrintWriter err, boolean debug) {
        if (e instanceof InvalidRunbookException invalid) {
            invalid.problems().forEach(p -> err.println(p.format()));
            return ExitCodes.INVALID;
        }
        if (e instanceof dev.runbook.lock.LockHeldException || e instanceof dev.runbook.exec.ssh.RemoteLockHeldException) {
            err.println("runbook: " + e.getMessage());
            return ExitCodes.LOCK_HELD;
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
