package dev.runbook.exec;

import dev.runbook.journal.EventType;
import dev.runbook.model.Inventory;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs steps on the hosts of a fleet: each host's run of a step is guarded, run and journaled ({@code step.host})
 * on its own, up to {@code forks} hosts at once. Hosts that fail are counted against {@code max_fail}: above it the
 * run stops (and rolls back every host it changed); at or under it, each failed host is rolled back on its own and
 * leaves the run.
 */
final class FleetRun implements AutoCloseable {

    private final RunContext ctx;
    private final StepRunner runner;
    private final StepWalk walk;
    private final Map<String, ExecutorService> pools = new LinkedHashMap<>();

    FleetRun(RunContext ctx, StepRunner runner, StepWalk walk) {
        this.ctx = ctx;
        this.runner = runner;
        this.walk = walk;
    }

    /** Kinds that run once per host; the others run once per step, whatever the target. */
    static boolean perHost(Step s) {
        return s instanceof Step.Run || s instanceof Step.Upload || s instanceof Step.Download || s instanceof Step.Compose
                || s instanceof Step.Assert || s instanceof Step.Wait || s instanceof Step.Http;
    }

    /** The hosts of the target still in the run. */
    List<Inventory.Host> inPlay(String target) {
        var gone = ctx.dropped.getOrDefault(target, java.util.Set.of());
        return ctx.targets.hosts(target).stream().filter(h -> !gone.contains(h.name())).toList();
    }

    /** Results of the step so far, by host name. */
    Map<String, StepResult> results(Step s) {
        return ctx.hostResults.computeIfAbsent(s.id(), k -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
    }

    /** Runs the step on those of {@code hosts} it has not run on yet; returns the hosts it failed on, by name. */
    Map<String, StepResult> run(Step s, Scope scope, List<Inventory.Host> hosts)
            throws InterruptedException {
        Map<String, StepResult> done = results(s);
        List<Inventory.Host> todo = hosts.stream().filter(h -> !done.containsKey(h.name())).toList();
        ExecutorService pool = pools.computeIfAbsent(s.common().on(), t -> Executors.newFixedThreadPool(
                Math.max(1, ctx.targets.forks(t)), r -> {
                    Thread th = new Thread(r, "fleet-" + t);
                    th.setDaemon(true);
                    return th;
                }));
        List<Future<StepResult>> futures = new ArrayList<>();
        for (Inventory.Host h : todo) {
            futures.add(pool.submit(() -> onHost(s, scope, h)));
        }
        Map<String, StepResult> failed = new LinkedHashMap<>();
        try {
            for (int i = 0; i < futures.size(); i++) {
                StepResult r = futures.get(i).get();
                if (r.failed()) {
                    failed.put(todo.get(i).name(), r);
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("a host's run of step '" + s.id() + "' failed: " + e.getCause(), e.getCause());
        }
        return failed;
    }

    private StepResult onHost(Step s, Scope scope, Inventory.Host h) throws InterruptedException, StopRun {
        Map<String, Object> roots = ctx.roots(scope, s.common().on(), null, h);
        StepResult r = walk.guard(s, roots);
        boolean reached = true;
        if (r == null) {
            try {
                ctx.targets.executor(s.common().on(), h).connect();
                ctx.events.emit(EventType.HOST_STARTED, s.id(), "host", h.name());
                r = runner.run(s, scope, s.id(), null, h);
            } catch (dev.runbook.diag.RunbookException e) {
                reached = false;
                r = new StepResult(s.id(), StepResult.FAILED, null, "", "", Map.of(), 0, 1, e.getMessage());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("host", h.name());
        data.put("address", h.address());
        data.putAll(r.toJournal());
        if (!reached) {
            data.put("reached", false);
        }
        ctx.events.emit(EventType.STEP_HOST, s.id(), data);
        results(s).put(h.name(), r);
        if (reached && !r.status().equals(StepResult.SKIPPED)) {
            walk.ran.add(new Saga.Ran(s, scope, r, h)); // a host never reached has nothing to undo
        }
        return r;
    }

    /** How many of {@code n} hosts may fail: {@code max_fail} as a count or a percentage (rounded down); none by default. */
    static int allowed(String maxFail, int n) {
        if (maxFail == null) {
            return 0;
        }
        if (maxFail.endsWith("%")) {
            return (int) Math.floor(n * Double.parseDouble(maxFail.substring(0, maxFail.length() - 1)) / 100.0);
        }
        return Integer.parseInt(maxFail);
    }

    /** The size of each rolling batch: {@code serial} as a count or a percentage (at least 1); all hosts without it. */
    static int batchSize(String serial, int n) {
        if (serial == null) {
            return Math.max(1, n);
        }
        if (serial.endsWith("%")) {
            return Math.max(1, (int) Math.floor(n * Double.parseDouble(serial.substring(0, serial.length() - 1)) / 100.0));
        }
        return Math.max(1, Integer.parseInt(serial));
    }

    /** The fleet's settings for its target. */
    static Target.Ssh ssh(RunContext ctx, String target) {
        return (Target.Ssh) ctx.targets.target(target);
    }

    /** The step's result across the fleet: its hosts' results summed up. */
    StepResult summary(Step s, long startNanos) {
        Map<String, StepResult> all = new LinkedHashMap<>(results(s));
        List<String> failed = new ArrayList<>();
        int ok = 0;
        int skipped = 0;
        int attempts = 1;
        for (var e : all.entrySet()) {
            StepResult r = e.getValue();
            attempts = Math.max(attempts, r.attempts());
            if (r.ok()) {
                ok++;
            } else if (r.status().equals(StepResult.SKIPPED)) {
                skipped++;
            } else if (!ctx.dropped.getOrDefault(s.common().on(), java.util.Set.of()).contains(e.getKey())
                    || s.common().continueOnError()) {
                failed.add(e.getKey() + ": " + r.error());
            }
        }
        String line = "ok on " + ok + " of " + all.size() + " hosts" + (skipped > 0 ? ", skipped on " + skipped : "")
                + (failed.isEmpty() ? "" : "; failed on " + String.join("; ", failed));
        String status = !failed.isEmpty() ? StepResult.FAILED : ok == 0 && skipped > 0 ? StepResult.SKIPPED : StepResult.OK;
        return new StepResult(s.id(), status, null, line, "", Map.of(), (System.nanoTime() - startNanos) / 1_000_000,
                attempts, failed.isEmpty() ? null : "failed on " + failed.size() + " of " + all.size() + " hosts: "
                + String.join("; ", failed));
    }

    @Override
    public void close() {
        pools.values().forEach(ExecutorService::shutdownNow);
    }
}
