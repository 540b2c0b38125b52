package dev.runbook.cli;

import dev.runbook.Runs;
import dev.runbook.exec.Verification;
import dev.runbook.report.VerifyReport;
import java.nio.file.Path;
import java.time.Instant;
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

    @Option(names = "--report", paramLabel = "FILE.md", description = "Write the checks and their results as Markdown.")
    Path markdown;

    @Option(names = "--junit", paramLabel = "FILE.xml",
            description = "Write the checks as JUnit XML (a test case per success check) for CI.")
    Path junit;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        Verification.Outcome verified = Runs.verify(file, inputs.toInputs(), stateDir);
        List<Verification.Result> results = verified.checks();
        boolean all = true;
        for (Verification.Result r : results) {
            out.println((r.holds() ? "[ok]     " : "[FAILED] ") + r.name() + (r.detail() != null ? " (" + r.detail() + ")" : ""));
            all &= r.holds();
        }
        out.println(all ? "verified: every success check holds" : "NOT verified: a success check does not hold");
        int code = all ? ExitCodes.OK : ExitCodes.FAILED;
        if (markdown == null && junit == null) {
            return code;
        }
        var report = new VerifyReport(verified.runbook(), file.toString(), Instant.now(), System.getenv("USER"),
                results.stream().map(r -> new VerifyReport.Check(r.name(), r.holds(), r.detail())).toList());
        List<String> errors = report.write(markdown, junit);
        errors.forEach(e -> spec.commandLine().getErr().println("runbook: " + e));
        spec.commandLine().getErr().flush();
        return errors.isEmpty() || code != ExitCodes.OK ? code : ExitCodes.INVALID;
    }
}
