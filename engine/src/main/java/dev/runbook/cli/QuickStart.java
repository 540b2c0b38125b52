package dev.runbook.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two command lines that are run most often and must start fastest, {@code runbook validate FILE...} and
 * {@code runbook --version}, run without picocli: building picocli's model of the commands costs more than
 * validating a runbook (its classes are Java 5 bytecode, which no class-data-sharing archive of JDK 17 holds,
 * verified on every start, and it reads every annotation reflectively).
 *
 * <p>Only command lines whose meaning is beyond doubt take this path: {@code validate} with file names (none
 * starting with {@code -} or {@code @}, which picocli reads as options or argument files) and at most one
 * {@code --debug} and one {@code --format text|json}; or {@code --version} / {@code -V} alone. For any other, and
 * for anything picocli would reject, {@link #run} returns {@code null} and picocli handles the command line,
 * with its messages. The output is the same either way (CliTest and QuickStartTest check that).
 */
final class QuickStart {

    private QuickStart() {
    }

    /** The exit code of the command line, or {@code null} if picocli must handle it. */
    static Integer run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return version(out);
        }
        if (args.length < 2 || !args[0].equals("validate")) {
            return null;
        }
        String format = null;
        boolean debug = false;
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--debug")) {
                if (debug) {
                    return null;
                }
                debug = true;
            } else if (arg.equals("--format") || arg.startsWith("--format=")) {
                if (format != null) {
                    return null;
                }
                if (arg.equals("--format")) {
                    if (++i == args.length) {
                        return null;
                    }
                    format = args[i];
                } else {
                    format = arg.substring("--format=".length());
                }
                if (!format.equals("text") && !format.equals("json")) {
                    return null;
                }
            } else if (arg.startsWith("-") || arg.startsWith("@")) {
                return null;
            } else {
                try {
                    files.add(Path.of(arg));
                } catch (InvalidPathException e) {
                    return null;
                }
            }
        }
        if (files.isEmpty()) {
            return null;
        }
        try {
            return Validation.run(files, "json".equals(format), out, err);
        } catch (Exception e) {
            return Main.handle(e, err, debug);
        }
    }

    private static Integer version(PrintWriter out) {
        String[] lines = versionLines();
        for (String line : lines) {
            // picocli reads these as format strings, with ${...} variables and @|...|@ markup: let it.
            if (line.contains("%") || line.contains("${") || line.contains("@|")) {
                return null;
            }
        }
        for (String line : lines) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** What {@code runbook --version} prints: the runbook version (from the jar's manifest) and Java's. */
    static String[] versionLines() {
        String v = QuickStart.class.getPackage().getImplementationVersion();
        return new String[] {"runbook " + (v == null ? "dev" : v) + " (language version 1)",
                "Java " + System.getProperty("java.version")};
    }
}
