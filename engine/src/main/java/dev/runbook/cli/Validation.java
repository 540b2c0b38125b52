package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.diag.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code runbook validate} does, without picocli: {@link ValidateCommand} and {@link QuickStart} both
 * run it, so that a plain {@code runbook validate FILE...} never loads picocli.
 */
final class Validation {

    private Validation() {
    }

    /** Validates every file; prints each one's result (as JSON if {@code json}) and returns the exit code. */
    static int run(List<Path> files, boolean json, PrintWriter out, PrintWriter err) {
        List<Map<String, Object>> report = new ArrayList<>();
        boolean anyProblem = false;
        for (Path file : files) {
            Runbooks.Loaded loaded = Runbooks.load(file);
            anyProblem |= !loaded.ok();
            if (json) {
                report.add(json(file, loaded));
            } else if (loaded.ok()) {
                out.println(file + ": ok (" + loaded.runbook().steps().size() + " steps)");
            } else {
                loaded.problems().forEach(p -> err.println(p.format()));
                err.println(file + ": " + loaded.problems().size() + " problem" + (loaded.problems().size() == 1 ? "" : "s"));
            }
        }
        if (json) {
            out.println(Json.write(report));
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
