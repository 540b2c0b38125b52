package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.diag.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        List<Map<String, Object>> report = new ArrayList<>();
        boolean anyProblem = false;
        for (Path file : files) {
            Runbooks.Loaded loaded = Runbooks.load(file);
            anyProblem |= !loaded.ok();
            if (format.equals("json")) {
                report.add(json(file, loaded));
            } else if (loaded.ok()) {
                out.println(file + ": ok (" + loaded.runbook().steps().size() + " steps)");
            } else {
                loaded.problems().forEach(p -> err.println(p.format()));
                err.println(file + ": " + loaded.problems().size() + " problem" + (loaded.problems().size() == 1 ? "" : "s"));
            }
        }
        if (format.equals("json")) {
            out.println(Json.write(report));
        } else if (!format.equals("text")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format is text or json, not " + format);
        }
        return anyProblem ? ExitCodes.INVALID : ExitCodes.OK;
    }

    private static Map<String, Object> json(Path file, Runbooks.Loaded loaded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("ok", loaded.ok());
        List<Map<String, Object>> problems = new ArrayList<>();
        for (Problem p : loaded.problems()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("file", String.valueOf(p.location().file()));
            x.put("line", p.location().line());
            x.put("column", p.location().column());
            x.put("path", p.path());
            x.put("message", p.message());
            problems.add(x);
        }
        m.put("problems", problems);
        return m;
    }
}
