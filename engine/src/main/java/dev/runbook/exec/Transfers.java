package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Step;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code upload} and {@code download} steps: paths rendered, local ones against the runbook's directory. */
final class Transfers {

    private Transfers() {
    }

    static void run(RunContext ctx, Step step, Scope scope, Map<String, Object> roots, Executor ex,
                    StepRunner.Attempt a) {
        long start = System.nanoTime();
        String shown;
        try {
            if (step instanceof Step.Upload u) {
                Path local = ctx.baseDir().resolve(ctx.render(u.from(), scope, roots, false));
                String remote = ctx.render(u.to(), scope, roots, false);
                shown = ctx.show(u.from(), scope, roots, false) + " -> " + ex.host() + ":" + ctx.show(u.to(), scope,
                        roots, false) + (u.mode() == null ? "" : " (" + u.mode() + ")");
                if (!java.nio.file.Files.isRegularFile(local)) {
                    throw new RunbookException("cannot upload " + local + ": there is no such file");
                }
                ex.upload(local, remote, u.mode());
            } else if (step instanceof Step.Download d) {
                String remote = ctx.render(d.from(), scope, roots, false);
                Path local = ctx.baseDir().resolve(ctx.render(d.to(), scope, roots, false));
                shown = ex.host() + ":" + ctx.show(d.from(), scope, roots, false) + " -> "
                        + ctx.show(d.to(), scope, roots, false);
                try {
                    java.nio.file.Files.createDirectories(local.toAbsolutePath().getParent());
                } catch (java.io.IOException e) {
                    throw new RunbookException("cannot create the directory of " + local + ": " + e.getMessage());
                }
                ex.download(remote, local);
            } else {
                throw new IllegalArgumentException(step.kind());
            }
        } catch (RunbookException e) {
            a.ok = false;
            a.error = ctx.events.masker().mask(e.getMessage());
            return;
        }
        a.ok = true;
        a.stdout = shown + " in " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }
}
