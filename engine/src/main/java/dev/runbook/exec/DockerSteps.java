package dev.runbook.exec;

import dev.runbook.exec.docker.DockerEngine;
import dev.runbook.expr.ShellQuote;
import dev.runbook.model.Containers;
import dev.runbook.model.Step;
import dev.runbook.model.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the Docker steps ({@code container}, {@code exec}, {@code restart}/{@code stop}/{@code start}, {@code pull})
 * through the engine of their target, and {@code compose} as the Compose command line on a local or SSH target.
 */
final class DockerSteps {

    private final RunContext ctx;

    DockerSteps(RunContext ctx) {
        this.ctx = ctx;
    }

    /** Whether the step is one of these kinds. */
    static boolean handles(Step s) {
        return s instanceof Step.Container || s instanceof Step.Exec || s instanceof Step.Service
                || s instanceof Step.Pull || s instanceof Step.Tag || s instanceof Step.Compose;
    }

    /**
     * Runs it once; a command's result (container, exec, compose), or null for the steps that run none (the
     * engine's refusal is thrown as a {@link dev.runbook.diag.RunbookException}).
     */
    CommandResult run(Step step, Scope scope, Map<String, Object> roots, Duration timeout,
                      Executor.OutputListener output, dev.runbook.model.Inventory.Host host) throws InterruptedException {
        String on = step.common().on();
        if (step instanceof Step.Compose c) {
            Executor ex = host == null ? ctx.targets.executor(on) : ctx.targets.executor(on, host);
            boolean local = ctx.targets.target(on) instanceof dev.runbook.model.Target.Local;
            return ex.run(composeLine(c.compose(), scope, roots, local), timeout, output);
        }
        DockerEngine engine = ctx.targets.docker(on);
        if (step instanceof Step.Container c) {
            Containers.Spec s = c.spec();
            Map<String, String> env = new LinkedHashMap<>();
            s.env().forEach((k, v) -> env.put(k, text(v, scope, roots)));
            List<String> mounts = new ArrayList<>();
            s.mounts().forEach(m -> mounts.add(text(m, scope, roots)));
            return engine.run(text(s.image(), scope, roots), s.command() == null ? null : text(s.command(), scope, roots),
                    env, mounts, s.network() == null ? "host" : s.network(), timeout, output);
        }
        if (step instanceof Step.Exec e) {
            return engine.exec(selector(e.container(), scope, roots), text(e.command(), scope, roots), timeout, output);
        }
        if (step instanceof Step.Service s) {
            dev.runbook.exec.docker.Selector sel = selector(s.container(), scope, roots);
            switch (s.action()) {
                case "restart" -> engine.restart(sel);
                case "stop" -> engine.stop(sel);
                default -> engine.start(sel);
            }
            return null;
        }
        if (step instanceof Step.Tag t) {
            engine.tag(text(t.image(), scope, roots), text(t.as(), scope, roots));
            return null;
        }
        engine.pull(text(((Step.Pull) step).image(), scope, roots));
        return null;
    }

    /** The selection a reference renders to. */
    dev.runbook.exec.docker.Selector selector(Containers.Ref ref, Scope scope, Map<String, Object> roots) {
        return new dev.runbook.exec.docker.Selector(ref.name() == null ? null : text(ref.name(), scope, roots),
                ref.project() == null ? null : text(ref.project(), scope, roots),
                ref.service() == null ? null : text(ref.service(), scope, roots));
    }

    /**
     * {@code cd DIR && ENV=... CLI -p PROJECT -f FILE... COMMAND}: the command is the runbook's own shell text. On
     * this machine, the directory is the runbook's, or relative to it.
     */
    private String composeLine(Containers.Compose c, Scope scope, Map<String, Object> roots, boolean local) {
        StringBuilder b = new StringBuilder();
        String dir = c.dir() == null ? null : text(c.dir(), scope, roots);
        if (dir == null && local) {
            dir = ctx.baseDir().toString();
        } else if (dir != null && local) {
            dir = ctx.baseDir().resolve(dir).toString(); // on this machine, relative to the runbook
        }
        if (dir != null) {
            b.append("cd ").append(ShellQuote.quote(dir)).append(" && ");
        }
        c.env().forEach((k, v) -> b.append(k).append('=').append(ShellQuote.quote(text(v, scope, roots))).append(' '));
        b.append(c.cli() == null ? "docker compose" : text(c.cli(), scope, roots));
        if (c.project() != null) {
            b.append(" -p ").append(ShellQuote.quote(text(c.project(), scope, roots)));
        }
        for (Text f : c.files()) {
            b.append(" -f ").append(ShellQuote.quote(text(f, scope, roots)));
        }
        return b.append(' ').append(ctx.render(c.command(), scope, roots, true)).toString();
    }

    private String text(Text t, Scope scope, Map<String, Object> roots) {
        return ctx.render(t, scope, roots, false);
    }
}
