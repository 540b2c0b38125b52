package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.Verification;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook verify FILE}: the success checks, evaluated now. Exit 0 when all hold, 1 otherwise. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Evaluate the success checks now (against the latest run's step results); exit 0 if all hold.")
final class VerifyCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Mixin
    Inputs inputs;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where runs are kept.")
    Path stateDir;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        List<Verification.Result> results = Runs.verify(file, inputs.toInputs(), stateDir);
        boolean all = true;
        for (Verification.Result r : results) {
            out.println((r.holds() ? "[ok]     " : "[FAILED] ") + r.name() + (r.detail() != null ? " (" + r.detail() + ")" : ""));
            all &= r.holds();
        }
        out.println(all ? "verified: every success check holds" : "NOT verified: a success check does not hold");
        return all ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
