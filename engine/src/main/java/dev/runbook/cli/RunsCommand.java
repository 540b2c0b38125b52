package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunHistory;
import dev.runbook.exec.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook runs [FILE]}: the runs kept in a state directory and how each ended. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs and their state.")
final class RunsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "A runbook: list the runs in the state directory beside it.")
    Path file;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The state directory to list.")
    Path stateDir;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        List<Path> dirs = stateDir != null ? List.of(stateDir) : file != null ? List.of(RunStore.defaultDir(file))
                : Runs.stateDirs();
        if (dirs.isEmpty()) {
            out.println("no runs here (no .runbook directory); name one with --state-dir or a runbook file");
            return ExitCodes.OK;
        }
        for (Path dir : dirs) {
            RunStore store = new RunStore(dir);
            out.println(dir + ":");
            for (String id : store.runIds()) {
                RunHistory h = RunHistory.read(store.journal(id));
                String took = h.finished() == null ? "" : "  " + human(Duration.between(h.start(), h.finished().time()));
                out.printf("  %-22s %-20s %-28s %s%s%n", id, h.started().text("runbook"), h.status().split(" ")[0],
                        h.start(), took);
            }
        }
        return ExitCodes.OK;
    }

    private static String human(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
