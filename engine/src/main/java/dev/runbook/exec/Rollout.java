package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Inventory;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolls steps out over a fleet. Without {@code serial}, each step runs on every host (up to {@code forks} at once)
 * before the next starts. With it, the consecutive steps on the fleet form one rollout, done batch by batch: the
 * first batch of hosts gets every step of it, then the next batch. After each step on a batch, the hosts that
 * failed are counted against {@code max_fail} (in the batch, and in the whole fleet).
 */
final class Rollout implements AutoCloseable {

    private final RunContext ctx;
    private final FleetRun fleet;
    private final Saga saga;
    private final TriggerWatch triggers;
    private final StepWalk walk;

    Rollout(RunContext ctx, FleetRun fleet, Saga saga, TriggerWatch triggers, StepWalk walk) {
        this.ctx = ctx;
        this.fleet = fleet;
        this.saga = saga;
        this.triggers = triggers;
        this.walk = walk;
    }

    /** Where the rollout that starts at {@code steps[from]} ends: the next step that is not on the same rolled fleet. */
    int segmentEnd(List<Step> steps, int from) {
        String on = steps.get(from).common().on();
        if (FleetRun.ssh(ctx, on).serial() == null) {
            return from + 1;
        }
        int end = from + 1;
        while (end < steps.size() && FleetRun.perHost(steps.get(end)) && steps.get(end).common().on().equals(on)) {
            end++;
        }
        return end;
    }

    void roll(List<Step> segment, Scope scope) throws StopRun, InterruptedException {
        String on = segment.get(0).common().on();
        Target.Ssh ssh = FleetRun.ssh(ctx, on);
        List<Inventory.Host> play = fleet.inPlay(on);
        int size = FleetRun.batchSize(ssh.serial(), play.size());
        Map<String, Long> started = new HashMap<>();
        for (int b = 0; b < play.size(); b += size) {
            List<Inventory.Host> batch = play.subList(b, Math.min(b + size, play.size()));
            if (ssh.serial() != null) {
                ctx.events.emit(EventType.ROLLOUT_BATCH, null, "target", on, "batch", b / size + 1, "of",
                        (play.size() + size - 1) / size, "hosts", batch.stream().map(Inventory.Host::name).toList(),
                        "steps", segment.stream().map(Step::id).toList());
            }
            for (Step s : segment) {
                if (ctx.interrupted || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                if (ctx.results.containsKey(s.id())) {
                    continue;
                }
                var gone = ctx.dropped.getOrDefault(on, java.util.Set.of());
                List<Inventory.Host> hosts = batch.stream().filter(h -> !gone.contains(h.name())).toList();
                if (hosts.isEmpty()) {
                    continue;
                }
                if (s.common().runOnce()) {
                    hosts = hosts.subList(0, 1);
                }
                if (!started.containsKey(s.id())) {
                    started.put(s.id(), System.nanoTime());
                    ctx.events.emit(EventType.STEP_STARTED, s.id(), "kind", s.kind(), "name", s.common().name(),
                            "target", on, "hosts", s.common().runOnce() ? 1 : play.size(), "serial", ssh.serial(),
                            "command", s instanceof Step.Run r ? ctx.show(r.command(), scope,
                                    ctx.roots(scope, on, null, hosts.get(0)), true) : null);
                }
                Map<String, StepResult> failed = fleet.run(s, scope, hosts);
                if (!failed.isEmpty() && !s.common().continueOnError()) {
                    try {
                        tolerate(s, on, hosts.size(), failed, started.get(s.id()));
                    } catch (StopRun stop) {
                        finishStarted(segment, started);
                        throw stop;
                    }
                }
                if (s.common().runOnce()) {
                    finish(s, started.get(s.id()));
                }
                triggers.check(s.id());
            }
        }
        for (Step s : segment) {
            if (!ctx.results.containsKey(s.id())) {
                finish(s, started.getOrDefault(s.id(), System.nanoTime()));
            }
        }
    }

    /** Sums up the steps of the rollout that ran on some hosts when the run stops part-way through it. */
    private void finishStarted(List<Step> segment, Map<String, Long> started) {
        for (Step s : segment) {
            if (started.containsKey(s.id()) && !ctx.results.containsKey(s.id())) {
                finish(s, started.get(s.id()));
            }
        }
    }

    private StepResult finish(Step s, long startNanos) {
        StepResult r = fleet.summary(s, startNanos);
        ctx.results.put(s.id(), r);
        Map<String, Object> data = new LinkedHashMap<>(r.toJournal());
        data.put("fleet", true);
        ctx.events.emit(EventType.STEP_FINISHED, s.id(), data);
        return r;
    }

    /**
     * Within {@code max_fail}, rolls each failed host back on its own and takes it out of the run; above it, stops
     * the run (which then rolls back every host it changed).
     */
    private void tolerate(Step s, String on, int batchSize, Map<String, StepResult> failed, long startNanos)
            throws StopRun, InterruptedException {
        Target.Ssh ssh = FleetRun.ssh(ctx, on);
        int total = ctx.targets.hosts(on).size();
        int before = ctx.dropped.getOrDefault(on, java.util.Set.of()).size();
        int inBatch = FleetRun.allowed(ssh.maxFail(), batchSize);
        int overall = FleetRun.allowed(ssh.maxFail(), total);
        List<String> why = new ArrayList<>();
        failed.forEach((h, r) -> why.add(h + ": " + r.error()));
        if (failed.size() > inBatch || before + failed.size() > overall) {
            finish(s, startNanos);
            String limit = ssh.maxFail() == null ? "no failure is allowed (max_fail is not set)"
                    : "max_fail " + ssh.maxFail() + " allows " + inBatch + " in a batch of " + batchSize + " and "
                    + overall + " of " + total + " hosts";
            throw new StopRun(StopRun.Reason.STEP_FAILED, s.id(), "step '" + s.id() + "' failed on " + failed.size()
                    + " of " + batchSize + " hosts (" + String.join("; ", why) + "); " + limit
                    + (before > 0 ? " (" + before + " failed before)" : ""));
        }
        for (var e : failed.entrySet()) {
            dropHost(on, e.getKey(), "step '" + s.id() + "' failed: " + e.getValue().error());
        }
    }

    /** Rolls one host back (the compensations of the steps it ran, in reverse) and takes it out of the run. */
    private void dropHost(String on, String host, String reason) throws InterruptedException {
        List<Saga.Ran> mine = new ArrayList<>();
        synchronized (walk.ran) {
            for (Saga.Ran r : walk.ran) {
                if (r.host() != null && r.host().name().equals(host) && r.step().common().on().equals(on)) {
                    mine.add(r);
                }
            }
            walk.ran.removeAll(mine);
        }
        Saga.Outcome o = saga.rollBack(mine, Map.of());
        ctx.dropped.computeIfAbsent(on, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(host);
        ctx.events.emit(EventType.HOST_DROPPED, null, "target", on, "host", host, "reason", reason,
                "rolled_back", o.complete(), "failed", o.failed().isEmpty() ? null : o.failed(),
                "irreversible", o.wall());
    }

    @Override
    public void close() {
        fleet.close();
    }
}
