package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.Approvals;
import dev.runbook.journal.EventSink;
import dev.runbook.model.Durations;
import dev.runbook.report.ConsoleView;
import dev.runbook.report.JsonLines;
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

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    @Option(names = "--accept-new-host-keys", description = "Record the host key of an SSH host seen for the first"
            + " time in known_hosts, instead of refusing it (a changed key is always refused).")
    boolean acceptNewHostKeys;

    Runs.Settings settings(picocli.CommandLine.Model.CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        List<EventSink> sinks = switch (output) {
            case "text" -> List.of(new ConsoleView(out, quiet));
            case "json" -> List.of(new JsonLines(out));
            default -> throw new ParameterException(spec.commandLine(), "--output is text or json, not " + output);
        };
        Duration wait = Durations.parse(lockWait).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--lock-wait takes a duration such as 30s or 10m, not " + lockWait));
        return new Runs.Settings(stateDir, new Approvals(yes, new LinkedHashSet<>(approve), System.console()), sinks,
                wait, acceptNewHostKeys);
    }
}
