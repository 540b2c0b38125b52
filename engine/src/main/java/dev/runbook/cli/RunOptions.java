package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.Approvals;
import dev.runbook.journal.EventSink;
import dev.runbook.model.Durations;
import dev.runbook.report.ConsoleView;
import dev.runbook.report.JsonLines;
import dev.runbook.report.LiveConsole;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of every command that runs steps: exec, resume, rollback. */
final class RunOptions {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where runs and locks are kept (default: .runbook beside the runbook).")
    Path stateDir;

    @Option(names = "--approve", paramLabel = "ID", description = "Approve this gate (repeatable).")
    List<String> approve = new ArrayList<>();

    @Option(names = "--yes", description = "Approve every gate.")
    boolean yes;

    @Option(names = "--lock-wait", paramLabel = "DURATION", defaultValue = "0s",
            description = "How long to wait for a lock another run holds (default: 0s, refuse at once).")
    String lockWait;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (the console view) or json (one event per line).")
    String output;

    @Option(names = "--quiet", description = "Without command output and per-tick lines.")
    boolean quiet;

    @Option(names = "--verbose", description = "Also show each collected fact's value and each check of the triggers.")
    boolean verbose;

    @Option(names = "--no-color", description = "Plain lines even on a terminal: no colours, no live status line"
            + " (as in a pipe, or with CI or NO_COLOR set).")
    boolean noColor;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Option(names = "--accept-new-host-keys", description = "Record the host key of an SSH host seen for the first"
            + " time in known_hosts, instead of refusing it (a changed key is always refused).")
    boolean acceptNewHostKeys;

    Runs.Settings settings(picocli.CommandLine.Model.CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        List<EventSink> sinks = switch (output) {
            case "text" -> List.of(live() ? new LiveConsole(out, quiet, verbose)
                    : new ConsoleView(out, quiet, verbose));
            case "json" -> List.of(new JsonLines(out));
            default -> throw new ParameterException(spec.commandLine(), "--output is text or json, not " + output);
        };
        Duration wait = Durations.parse(lockWait).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--lock-wait takes a duration such as 30s or 10m, not " + lockWait));
        return new Runs.Settings(stateDir, new Approvals(yes, new LinkedHashSet<>(approve), System.console()), sinks,
                wait, acceptNewHostKeys);
    }

    /**
     * Whether the console view is the live one: stdout is a terminal (that is not {@code TERM=dumb}), not in CI
     * ({@code CI} unset or {@code false}), no {@code NO_COLOR}, no {@code --no-color}.
     */
    boolean live() {
        String ci = System.getenv("CI");
        String noColorEnv = System.getenv("NO_COLOR");
        return !noColor && System.console() != null && !"dumb".equals(System.getenv("TERM"))
                && (ci == null || ci.isEmpty() || ci.equalsIgnoreCase("false"))
                && (noColorEnv == null || noColorEnv.isEmpty());
    }
}
