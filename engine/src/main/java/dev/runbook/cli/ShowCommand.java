package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.RunHistory;
import dev.runbook.report.ConsoleView;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook show RUN_ID}: what happened in a run, from its journal. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Print what happened in a run, from its journal.")
final class ShowCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run (see 'runbook runs').")
    String runId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the run is kept.")
    Path stateDir;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        RunHistory h = Runs.history(runId, stateDir);
        ConsoleView view = new ConsoleView(out, false);
        h.events().forEach(view::accept);
        if (h.finished() == null) {
            out.println();
            out.println("the journal ends without run.finished: the run was killed or is still running;"
                    + " 'runbook resume " + runId + "' continues it, 'runbook rollback " + runId + "' undoes it");
        }
        if (h.tornLines() > 0) {
            out.println("(" + h.tornLines() + " torn line(s) of an interrupted write were skipped)");
        }
        return ExitCodes.OK;
    }
}
