package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.journal.EventType;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Inventory;
import dev.runbook.model.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs one step of a leaf kind (not group or include), attempt by attempt, and says how it ended. */
final class StepRunner {

    private final RunContext ctx;
    private final TriggerWatch triggers;
    private final Http http = new Http();
    private final DockerSteps docker;
    private final Notifier notifier;

    StepRunner(RunContext ctx, TriggerWatch triggers) {
        this.ctx = ctx;
        this.triggers = triggers;
        this.docker = new DockerSteps(ctx);
        this.notifier = new Notifier(ctx, http);
    }

    /** Runs the step with its retries; an approval that is pending or refused stops the run. */
    StepResult run(Step step, Scope scope) throws InterruptedException, StopRun {
        return run(step, scope, step.id(), null);
    }

    /**
     * As {@link #run(Step, Scope)}, with the step its events name: a rollback action has no id of its own, so its
     * events name the step it compensates and its number in that step's rollback list.
     */
    StepResult run(Step step, Scope scope, String named, Integer action) throws InterruptedException, StopRun {
        return run(step, scope, named, action, null);
    }

    /** As {@link #run(Step, Scope, String, Integer)}, on one host of a fleet (null: the target's only host). */
    StepResult run(Step step, Scope scope, String named, Integer action, Inventory.Host host)
            throws InterruptedException, StopRun {
        return run(step, scope, named, action, host, null);
    }

    /**
     * As {@link #run(Step, Scope, String, Integer, Inventory.Host)}, for a rollback action: its templates read
     * {@code previous} (how the step it compensates, or the action before it, ended).
     */
    StepResult run(Step step, Scope scope, String named, Integer action, Inventory.Host host,
                   Map<String, Object> previous) throws InterruptedException, StopRun {
        var c = step.common();
        int attempts = 1 + c.retries();
        Attempt last = null;
        int made = 0;
        long start = System.nanoTime();
        while (made < attempts) {
            made++;
            last = attempt(step, scope, named, action, host, previous);
            if (last.ok || made == attempts) {
                break;
            }
            Duration delay = duration(c.delay(), scope, Duration.ofSeconds(1));
            ctx.events.emit(EventType.STEP_RETRYING, named, "attempt", made + 1, "of", attempts,
                    "delay_ms", delay.toMillis(), "error", last.error, "action", action, "host", hostName(host));
            Thread.sleep(delay.toMillis());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String status = last.ok ? StepResult.OK : last.timedOut ? StepResult.TIMED_OUT : StepResult.FAILED;
        return new StepResult(c.id(), status, last.exitCode, last.stdout, last.stderr, Map.of(), ms, made, last.error);
    }

    /** One try of a step. */
    static final class Attempt {
        boolean ok;
        boolean timedOut;
        Integer exitCode;
        String stdout = "";
        String stderr = "";
        String error;
    }

    private Attempt attempt(Step step, Scope scope, String named, Integer action, Inventory.Host host,
                            Map<String, Object> previous)
            throws InterruptedException, StopRun {
        Attempt a = new Attempt();
        String on = step.common().on();
        Map<String, Object> roots = ctx.roots(scope, on, previous, host);
        try {
            if (step instanceof Step.Run r) {
                Executor ex = host == null ? ctx.targets.executor(on) : ctx.targets.executor(on, host);
                took(a, step, ex.run(ctx.render(r.command(), scope, roots, true),
                        duration(step.common().timeout(), scope, null), output(named, action, host)));
            } else if (DockerSteps.handles(step)) {
                CommandResult res = docker.run(step, scope, roots, duration(step.common().timeout(), scope, null),
                        output(named, action, host), host);
                if (res == null) {
                    a.ok = true;
                } else {
                    took(a, step, res);
                }
            } else if (step instanceof Step.Assert as) {
                a.ok = ctx.test(as.that(), roots);
                a.error = a.ok ? null : step.common().message() != null ? step.common().message()
                        : "the assertion does not hold: " + as.that().source().trim();
            } else if (step instanceof Step.Wait w) {
                waitFor(w, scope, host, a);
            } else if (step instanceof Step.Http h) {
                httpStep(h, scope, roots, a);
            } else if (step instanceof Step.Approve ap) {
                approve(ap, scope, roots, a);
            } else if (step instanceof Step.Notify n) {
                notifier.send(n, scope, roots, duration(n.common().timeout(), scope, null), a);
            } else if (step instanceof Step.Upload || step instanceof Step.Download) {
                Executor ex = host == null ? ctx.targets.executor(on) : ctx.targets.executor(on, host);
                Transfers.run(ctx, step, scope, roots, ex, a);
            } else if (step instanceof Step.Monitor m) {
                a.stdout = new MonitorWindow(ctx, m, scope, triggers, this).watch();
                a.ok = true;
            } else {
                throw new IllegalStateException("not a leaf step: " + step.kind());
            }
        } catch (RunbookException e) {
            a.ok = false;
            a.error = e.getMessage();
        } catch (MonitorWindow.Failed e) {
            a.ok = false;
            a.error = e.getMessage();
        }
        return a;
    }

    /** Passes a command's lines on as {@code step.output} events. */
    private Executor.OutputListener output(String named, Integer action, Inventory.Host host) {
        return (err, line) -> ctx.events.emit(EventType.STEP_OUTPUT, named, "stream", err ? "stderr" : "stdout",
                "line", line, "action", action, "host", hostName(host));
    }

    /** The attempt as the command ended. */
    private static void took(Attempt a, Step step, CommandResult res) {
        a.ok = res.ok();
        a.timedOut = res.timedOut();
        a.exitCode = res.exitCode();
        a.stdout = res.stdout();
        a.stderr = res.stderr();
        a.error = res.timedOut() ? "timed out after " + step.common().timeout()
                : res.ok() ? null : "exit code " + res.exitCode();
    }

    private static String hostName(Inventory.Host host) {
        return host == null ? null : host.name();
    }

    private void waitFor(Step.Wait w, Scope scope, Inventory.Host host, Attempt a) throws InterruptedException {
        Duration every = duration(w.every(), scope, Duration.ofSeconds(5));
        long deadline = System.nanoTime() + duration(w.within(), scope, Duration.ofMinutes(5)).toNanos();
        String last = "it never held";
        while (true) {
            try {
                if (ctx.test(w.until(), ctx.roots(scope, w.common().on(), null, host))) {
                    a.ok = true;
                    return;
                }
                last = "it did not hold";
            } catch (RunbookException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() + every.toNanos() > deadline) {
                a.error = "'" + w.until().source().trim() + "' did not hold within " + w.within() + " (last: " + last + ")";
                return;
            }
            Thread.sleep(every.toMillis());
        }
    }

    private void httpStep(Step.Http h, Scope scope, Map<String, Object> roots, Attempt a) throws InterruptedException {
        StringBuilder log = new StringBuilder();
        for (Step.HttpRequest q : h.requests()) {
            String url = ctx.render(q.url(), scope, roots, false);
            Map<String, String> headers = new LinkedHashMap<>();
            q.headers().forEach((k, v) -> headers.put(k, ctx.render(v, scope, roots, false)));
            String body = q.body() == null ? null : ctx.render(q.body(), scope, roots, false);
            Duration timeout = q.timeout() != null ? duration(q.timeout(), scope, null)
                    : duration(h.common().timeout(), scope, null);
            String shown = q.method() + " " + ctx.show(q.url(), scope, roots, false);
            try {
                Http.Answer answer = http.send(q.method(), url, headers, body, timeout, q.insecure());
                boolean statusOk = h.expect().status().isEmpty() ? answer.status() / 100 == 2
                        : h.expect().status().contains(answer.status());
                boolean bodyOk = h.expect().contains() == null || answer.body().contains(h.expect().contains());
                log.append(shown).append(" -> ").append(answer.status()).append(" in ").append(answer.elapsedMs())
                        .append(" ms\n");
                if (!statusOk || !bodyOk) {
                    a.error = shown + " answered " + answer.status() + (bodyOk ? "" : " without '"
                            + h.expect().contains() + "' in its body");
                    a.stdout = log.toString().strip();
                    return;
                }
            } catch (IOException | IllegalArgumentException e) {
                a.error = shown + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                a.stdout = log.toString().strip();
                return;
            }
        }
        a.ok = true;
        a.stdout = log.toString().strip();
    }

    private void approve(Step.Approve ap, Scope scope, Map<String, Object> roots, Attempt a) throws StopRun {
        String question = ctx.show(ap.question(), scope, roots, false);
        ctx.events.emit(EventType.APPROVAL_REQUESTED, ap.id(), "question", question);
        switch (ctx.approvals.decide(ap.id(), question)) {
            case APPROVED -> {
                ctx.events.emit(EventType.APPROVAL_GIVEN, ap.id(), "by", ctx.approvals.by(ap.id()));
                a.ok = true;
            }
            case REFUSED -> {
                ctx.events.emit(EventType.APPROVAL_REFUSED, ap.id());
                throw new StopRun(StopRun.Reason.APPROVAL_REFUSED, ap.id(), "approval '" + ap.id() + "' was refused");
            }
            default -> throw new StopRun(StopRun.Reason.APPROVAL_PENDING, ap.id(), "waiting for approval '" + ap.id()
                    + "': " + question);
        }
    }

    /** A duration field's value: literal, or its template rendered (milliseconds or a duration text). */
    Duration duration(DurationSpec d, Scope scope, Duration fallback) {
        if (d == null) {
            return fallback;
        }
        if (d.literal() != null) {
            return d.literal();
        }
        String v = ctx.render(d.template(), scope, ctx.roots(scope, null, null), false).trim();
        if (v.matches("[0-9]+")) {
            return Duration.ofMillis(Long.parseLong(v));
        }
        return dev.runbook.model.Durations.parse(v).orElseThrow(() -> new RunbookException("'" + d.template().source()
                + "' gave '" + v + "', which is not a duration"));
    }
}
