package dev.runbook.exec;

import dev.runbook.exec.ssh.RemoteLock;
import dev.runbook.exec.ssh.RemoteLockHeldException;
import dev.runbook.model.Inventory;
import dev.runbook.model.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The locks a run takes on its SSH hosts, besides its local lock: a directory {@code ~/.runbook/locks/KEY--HOST} made
 * atomically on each host, so that two operators on different machines cannot deploy the same customer at once.
 * A lock left by a run that is gone is taken over when that is certain: the holder is this run (a resume), or a
 * process of this machine that no longer exists. Otherwise the run is refused, naming the holder. A host that cannot
 * be reached is not locked (its steps fail there, and count against the fleet's {@code max_fail}).
 */
final class RemoteLocks implements AutoCloseable {

    private final List<RemoteLock> held = new ArrayList<>();

    private RemoteLocks() {
    }

    /**
     * Takes the lock on every host of the SSH targets in {@code used} (and of those that docker targets in it are
     * reached through), all at once; releases them all if one fails.
     */
    static RemoteLocks acquire(Targets targets, java.util.Collection<String> used, String key, String runId,
                               Duration wait) throws InterruptedException {
        RemoteLocks locks = new RemoteLocks();
        java.util.Map<String, Executor> hosts = new java.util.LinkedHashMap<>();
        for (String target : used) {
            // a Docker engine reached through an SSH target is that host's: it is locked as the host
            String name = targets.target(target) instanceof Target.Docker d && d.via() != null ? d.via() : target;
            if (targets.target(name) instanceof Target.Ssh) {
                for (Inventory.Host h : targets.hosts(name)) {
                    hosts.computeIfAbsent(h.address(), a -> targets.executor(name, h));
                }
            }
        }
        if (hosts.isEmpty()) {
            return locks;
        }
        String owner = RemoteLock.ownerText(runId);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts.size(), Targets.DEFAULT_FORKS));
        try {
            List<Future<RemoteLock>> futures = new ArrayList<>();
            for (var e : hosts.entrySet()) {
                // named per host too: hosts that share a home directory (NFS) keep one lock each
                String dir = ".runbook/locks/" + key + "--" + e.getKey().replaceAll("[^A-Za-z0-9.-]", "_");
                futures.add(pool.submit(() -> take(e.getValue(), dir, owner, runId, wait)));
            }
            RuntimeException failure = null;
            for (Future<RemoteLock> f : futures) {
                try {
                    locks.held.add(f.get());
                } catch (ExecutionException e) {
                    // a host that cannot be reached now is not locked: its steps fail on it, counted against max_fail
                    if (failure == null && e.getCause() instanceof RemoteLockHeldException held) {
                        failure = held;
                    }
                }
            }
            if (failure != null) {
                locks.close();
                throw failure;
            }
            return locks;
        } finally {
            pool.shutdownNow();
        }
    }

    private static RemoteLock take(Executor ex, String dir, String owner, String runId, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                try {
                    return RemoteLock.acquire(ex, dir, owner, null, false);
                } catch (RemoteLockHeldException held) {
                    if (gone(held.holder(), runId)) {
                        return RemoteLock.acquire(ex, dir, owner, Duration.ZERO, true);
                    }
                    throw held;
                }
            } catch (RemoteLockHeldException held) {
                if (System.nanoTime() > deadline) {
                    throw held;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Whether the holder is certainly gone: this same run (resumed), or a dead process of this machine. */
    static boolean gone(String holder, String runId) {
        if (holder == null) {
            return false;
        }
        if (holder.endsWith(" run " + runId)) {
            return true;
        }
        String me = RemoteLock.ownerText(runId);
        String machine = me.substring(0, me.indexOf(" pid "));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\S+) pid (\\d+) run \\S+$").matcher(holder);
        return m.matches() && m.group(1).equals(machine)
                && ProcessHandle.of(Long.parseLong(m.group(2))).map(p -> !p.isAlive()).orElse(true);
    }

    @Override
    public void close() {
        if (held.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(held.size(), Targets.DEFAULT_FORKS));
        try {
            List<Future<?>> releases = new ArrayList<>();
            for (RemoteLock l : held) {
                releases.add(pool.submit(() -> {
                    l.release();
                    return null;
                }));
            }
            for (Future<?> f : releases) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    // the host is unreachable now: its lock stays, and names this run, which a resume takes over
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
            held.clear();
        }
    }
}
