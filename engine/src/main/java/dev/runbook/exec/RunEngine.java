package dev.runbook.exec;

import dev.runbook.diag.InputException;
import dev.runbook.expr.RenderOptions;
import dev.runbook.journal.EventSink;
import dev.runbook.journal.EventType;
import dev.runbook.journal.Journal;
import dev.runbook.lock.LocalLock;
import dev.runbook.model.Check;
import dev.runbook.model.Fact;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a runbook: takes the lock, journals every event, checks the preconditions, walks the steps, rolls back
 * by itself when a step fails, a trigger fires or an approval is refused, and gives the verdict. Also resumes a
 * stopped run from its journal, and rolls a stopped run back on request.
 */
public final class RunEngine {

    /**
     * How to run.
     *
     * @param store       where runs and locks live
     * @param approvals   who answers approval gates
     * @param sinks       where events go besides the journal (console, JSON lines)
     * @param lockWait    how long to wait for a lock another run holds
     * @param facts       collects facts
     * @param environment the process environment (for the runbook's {@code env})
     * @param acceptNewHostKeys record the host key of an SSH host seen for the first time instead of refusing it
     */
    public record Options(RunStore store, Approvals approvals, List<EventSink> sinks, Duration lockWait,
                          FactCollector facts, Map<String, String> environment, boolean acceptNewHostKeys) {
    }

    /** How a run ended. */
    public record Outcome(String runId, RunStatus status, String message, Path journal) {
    }

    private final Runbook runbook;
    private final BoundParams params;
    private final Options options;

    public RunEngine(Runbook runbook, BoundParams params, Options options) {
        this.runbook = runbook;
        this.params = params;
        this.options = options;
    }

    /** Starts a new run. */
    public Outcome exec(Map<String, Object> startInfo) throws InterruptedException {
        return run(RunStore.newRunId(), null, false, startInfo);
    }

    /** Continues a stopped run where its journal ends. */
    public Outcome resume(RunHistory history) throws InterruptedException {
        if (history.isFinal()) {
            throw new InputException("run " + history.runId() + " has finished (" + history.status() + "): nothing to resume");
        }
        return run(history.runId(), history, history.rollingBack(), Map.of());
    }

    /** Rolls a stopped run back: the compensations of the steps it completed. */
    public Outcome rollback(RunHistory history) throws InterruptedException {
        if (history.isFinal()) {
            throw new InputException("run " + history.runId() + " has finished (" + history.status() + "): nothing to roll back");
        }
        return run(history.runId(), history, true, Map.of());
    }

    private Outcome run(String runId, RunHistory history, boolean rollBack, Map<String, Object> startInfo)
            throws InterruptedException {
        RunStore store = options.store();
        String what = params.masker().mask("runbook " + runbook.name() + " on "
                + String.join(", ", TargetKey.hosts(runbook, params)));
        try (LocalLock lock = LocalLock.acquire(store.lockFile(TargetKey.of(runbook, params)), what, runId,
                options.lockWait());
             Targets targets = new Targets(runbook, params, new SshLogins(params,
                     new SshLogins.Settings(options.acceptNewHostKeys(), baseDir())));
             RemoteLocks remote = RemoteLocks.acquire(targets, Targets.used(runbook), TargetKey.of(runbook, params),
                     runId, options.lockWait());
             Journal journal = Journal.open(store.runDir(runId))) {
            options.facts().useExecutors(targets::executor);
            options.facts().useEngines(targets::docker);
            return run(runId, history, rollBack, startInfo, journal, targets);
        }
    }

    private Outcome run(String runId, RunHistory history, boolean rollBack, Map<String, Object> startInfo,
                        Journal journal, Targets targets) throws InterruptedException {
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(journal);
        sinks.addAll(options.sinks());
        Emitter events = new Emitter(runId, params.masker(), sinks, history == null ? 0 : history.lastSeq());
        long start = history == null ? System.currentTimeMillis() : history.start().toEpochMilli();
        Map<String, Object> env = new LinkedHashMap<>();
        runbook.env().forEach(n -> env.put(n, options.environment().getOrDefault(n, "")));
        RunContext ctx = new RunContext(runbook, runId, start, events, targets, options.facts(),
                options.approvals(), env);
        if (history != null) {
            ctx.results.putAll(history.results());
            history.hostResults().forEach((id, m) -> ctx.hostResults.put(id,
                    java.util.Collections.synchronizedMap(new LinkedHashMap<>(m))));
            history.dropped().forEach((t, hosts) -> {
                var set = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
                set.addAll(hosts);
                ctx.dropped.put(t, set);
            });
            history.openWindows().forEach((id, t) -> ctx.openWindows.put(id, t.toEpochMilli()));
            ctx.images.putAll(history.images());
        }
        Thread runner = Thread.currentThread();
        try (Signals signals = Signals.install(() -> {
            ctx.interrupted = true;
            runner.interrupt();
        })) {
            return new Outcome(runId, drive(ctx, history, rollBack, startInfo), "", journal.file());
        }
    }

    private RunStatus drive(RunContext ctx, RunHistory history, boolean rollBack, Map<String, Object> startInfo) {
        Scope scope = baseScope();
        TriggerWatch triggers = new TriggerWatch(ctx, scope);
        StepRunner runner = new StepRunner(ctx, triggers);
        Saga saga = new Saga(ctx, runner);
        StepWalk walk = new StepWalk(ctx, runner, triggers, saga);
        try {
            return drive(ctx, history, rollBack, startInfo, scope, runner, saga, walk);
        } finally {
            walk.close();
        }
    }

    private RunStatus drive(RunContext ctx, RunHistory history, boolean rollBack, Map<String, Object> startInfo,
                            Scope scope, StepRunner runner, Saga saga, StepWalk walk) {
        if (history == null) {
            Map<String, Object> info = new LinkedHashMap<>(startInfo);
            info.put("runbook", runbook.name());
            info.put("file", runbook.file().toAbsolutePath().toString());
            info.put("params", journalParams());
            ctx.events.emit(EventType.RUN_STARTED, null, info);
        } else {
            ctx.events.emit(EventType.RUN_RESUMED, null, "completed", new ArrayList<>(history.results().keySet()),
                    "rollback", rollBack ? true : null);
        }
        List<Saga.Ran> ran = ran(walk, scope, ctx, history);
        try {
            if (rollBack) {
                return rollBackAndFinish(ctx, saga, withUnfinished(ran, history, walk, scope, ctx), history,
                        "rollback requested");
            }
            if (history == null && !preconditionsHold(ctx, scope)) {
                return finish(ctx, RunStatus.NOT_STARTED, "a precondition does not hold: nothing was changed");
            }
            walk.walk(runbook.steps(), scope);
            return verdict(ctx, scope);
        } catch (StopRun stop) {
            ran = mergedRan(ran, walk.ran);
            return switch (stop.reason) {
                case APPROVAL_PENDING -> finish(ctx, RunStatus.AWAITING_APPROVAL, stop.getMessage()
                        + "; continue with: " + command("resume", ctx) + " --approve " + stop.step);
                default -> rollBackAndFinish(ctx, saga, ran, history, stop.getMessage());
            };
        } catch (InterruptedException e) {
            Thread.interrupted();
            ctx.events.emit(EventType.RUN_INTERRUPTED, null, "message", "interrupted by a signal");
            return finish(ctx, RunStatus.INTERRUPTED, "interrupted; continue with: " + command("resume", ctx)
                    + ", or undo with: " + command("rollback", ctx));
        }
    }

    private RunStatus rollBackAndFinish(RunContext ctx, Saga saga, List<Saga.Ran> ran, RunHistory history,
                                        String reason) {
        ctx.events.emit(EventType.ROLLBACK_STARTED, null, "reason", reason);
        ctx.status = "rolling_back";
        ctx.reason = reason;
        Saga.Outcome o;
        try {
            o = saga.rollBack(ran, history == null ? Map.of() : history.rollback());
        } catch (InterruptedException e) {
            Thread.interrupted();
            ctx.events.emit(EventType.RUN_INTERRUPTED, null, "message", "interrupted during the rollback");
            return finish(ctx, RunStatus.INTERRUPTED, "interrupted during the rollback; continue it with: "
                    + command("rollback", ctx));
        }
        ctx.events.emit(EventType.ROLLBACK_FINISHED, null, "complete", o.complete(), "failed", o.failed(),
                "irreversible", o.wall(), "not_rolled_back", o.notRolledBack());
        if (o.complete()) {
            return finish(ctx, RunStatus.ROLLED_BACK, reason + "; rolled back");
        }
        String manual = o.wall() != null ? "step '" + o.wall() + "' is irreversible: the rollback stopped there"
                + (o.notRolledBack().isEmpty() ? "" : "; not rolled back: " + String.join(", ", o.notRolledBack()))
                : "the compensation of " + String.join(", ", o.failed()) + " failed";
        return finish(ctx, RunStatus.ROLLBACK_INCOMPLETE, reason + "; rollback incomplete, manual action needed: " + manual);
    }

    private boolean preconditionsHold(RunContext ctx, Scope scope) {
        return allHold(ctx, scope, runbook.preconditions(), EventType.PRECONDITION);
    }

    private RunStatus verdict(RunContext ctx, Scope scope) {
        List<String> failed = new ArrayList<>();
        new ArrayList<>(ctx.results.values()).stream().filter(StepResult::failed)
                .forEach(r -> failed.add("'" + r.id() + "' (" + r.error() + ")"));
        String went = failed.isEmpty() ? "" : "; the run went on after " + String.join(", ", failed) + " failed";
        return allHold(ctx, scope, runbook.success(), EventType.SUCCESS)
                ? finish(ctx, RunStatus.SUCCEEDED, "every step ran and every success check holds" + went)
                : finish(ctx, RunStatus.CHECKS_FAILED, "every step ran, but a success check does not hold" + went);
    }

    /** Evaluates checks (one that cannot be evaluated does not hold), journaling each; true when all hold. */
    private boolean allHold(RunContext ctx, Scope scope, List<Check> checks, String eventType) {
        boolean all = true;
        for (Check c : checks) {
            Map<String, Object> roots = ctx.roots(scope, null, null);
            String detail = null;
            boolean holds;
            try {
                holds = ctx.test(c.that(), roots);
            } catch (RuntimeException e) {
                holds = false;
                detail = e.getMessage();
            }
            ctx.events.emit(eventType, null, "name", c.label(), "holds", holds, "detail", detail,
                    "message", holds ? null : c.message(), "values", holds ? null : ctx.values(c.that(), roots));
            all &= holds;
        }
        return all;
    }

    private RunStatus finish(RunContext ctx, RunStatus status, String message) {
        ctx.events.emit(EventType.RUN_FINISHED, null, "status", status.word(), "message", message);
        return status;
    }

    /** The steps a resumed run had completed, in order of completion, with their scopes. */
    private List<Saga.Ran> ran(StepWalk walk, Scope scope, RunContext ctx, RunHistory history) {
        List<Saga.Ran> out = new ArrayList<>();
        if (history == null) {
            return out;
        }
        Map<String, Saga.Ran> index = walk.index(runbook.steps(), scope);
        for (RunHistory.Completion c : history.completions()) {
            Saga.Ran known = index.get(c.step());
            if (known == null) {
                continue;
            }
            String on = known.step().common().on();
            if (c.host() == null) {
                out.add(new Saga.Ran(known.step(), known.scope(), c.result()));
            } else if (c.reached() && !ctx.dropped.getOrDefault(on, java.util.Set.of()).contains(c.host())
                    && !c.result().status().equals(StepResult.SKIPPED)) {
                ctx.targets.hosts(on).stream().filter(h -> h.name().equals(c.host())).findFirst()
                        .ifPresent(h -> out.add(new Saga.Ran(known.step(), known.scope(), c.result(), h)));
            }
        }
        return out;
    }

    /**
     * The steps to roll back of a stopped run: those it completed and, last, the one it was stopped in (a step
     * stopped part-way is compensated first, as a failed one is).
     */
    private List<Saga.Ran> withUnfinished(List<Saga.Ran> ran, RunHistory history, StepWalk walk, Scope scope,
                                         RunContext ctx) {
        if (history == null || history.unfinished() == null) {
            return ran;
        }
        Saga.Ran known = walk.index(runbook.steps(), scope).get(history.unfinished());
        if (known != null && FleetRun.perHost(known.step()) && ctx.targets.fleet(known.step().common().on())) {
            return withHostsInFlight(ran, history, walk, scope, ctx);
        }
        if (known == null) {
            return ran;
        }
        List<Saga.Ran> all = new ArrayList<>(ran);
        all.add(new Saga.Ran(known.step(), known.scope(), new StepResult(history.unfinished(), StepResult.FAILED, null,
                "", "", Map.of(), 0, 1, "stopped part-way")));
        return all;
    }

    /**
     * On a fleet, the hosts the stopped run was running a step on (started, never finished): each is compensated
     * first, as a failed step is; the hosts that finished it are in the journal each (see RunHistory.completions).
     */
    private List<Saga.Ran> withHostsInFlight(List<Saga.Ran> ran, RunHistory history, StepWalk walk, Scope scope,
                                             RunContext ctx) {
        List<Saga.Ran> all = new ArrayList<>(ran);
        Map<String, Saga.Ran> index = walk.index(runbook.steps(), scope);
        history.inFlight().forEach((id, hosts) -> {
            Saga.Ran known = index.get(id);
            if (known == null) {
                return;
            }
            String on = known.step().common().on();
            for (String name : hosts) {
                ctx.targets.hosts(on).stream().filter(h -> h.name().equals(name)).findFirst().ifPresent(h ->
                        all.add(new Saga.Ran(known.step(), known.scope(), new StepResult(id, StepResult.FAILED, null,
                                "", "", Map.of(), 0, 1, "stopped part-way"), h)));
            }
        });
        return all;
    }

    /** The command that continues this run, as an operator would paste it. */
    private String command(String verb, RunContext ctx) {
        Path dir = options.store().dir().toAbsolutePath().normalize();
        boolean usual = dir.equals(RunStore.defaultDir(runbook.file()).toAbsolutePath().normalize());
        return "runbook " + verb + " " + ctx.runId + (usual ? "" : " --state-dir " + options.store().dir());
    }

    private static List<Saga.Ran> mergedRan(List<Saga.Ran> before, List<Saga.Ran> now) {
        List<Saga.Ran> all = new ArrayList<>(before);
        all.addAll(now);
        return all;
    }

    private Path baseDir() {
        Path parent = runbook.file().toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    private Scope baseScope() {
        Set<List<String>> secrets = new HashSet<>();
        params.secretNames().forEach(n -> secrets.add(List.of("params", n)));
        runbook.facts().values().stream().filter(Fact::secret).forEach(f -> secrets.add(List.of("facts", f.name())));
        return new Scope(params.values(), new RenderOptions(false, params.commandNames(), secrets, true));
    }

    /** The params as the journal keeps them: typed values, secrets as {@code ***}. */
    private Map<String, Object> journalParams() {
        Map<String, Object> out = new LinkedHashMap<>();
        params.values().forEach((k, v) -> out.put(k, params.secretNames().contains(k) ? RenderOptions.MASK : v));
        return out;
    }
}
