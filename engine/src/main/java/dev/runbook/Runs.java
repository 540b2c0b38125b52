package dev.runbook;

import dev.runbook.diag.InputException;
import dev.runbook.exec.Approvals;
import dev.runbook.exec.RunEngine;
import dev.runbook.exec.RunHistory;
import dev.runbook.exec.RunStore;
import dev.runbook.facts.FactRoots;
import dev.runbook.facts.LocalFactCollector;
import dev.runbook.journal.EventSink;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The engine's entry points for running: exec, resume, rollback, and finding runs. The CLI is these plus options. */
public final class Runs {

    /**
     * How runs are made, whatever the command.
     *
     * @param stateDir  the state directory, or null for the default ({@code .runbook} beside the runbook)
     * @param approvals who answers approval gates
     * @param sinks     where events go besides the journal
     * @param lockWait  how long to wait for a lock
     * @param acceptNewHostKeys record the key of an SSH host seen for the first time instead of refusing it
     */
    public record Settings(Path stateDir, Approvals approvals, List<EventSink> sinks, Duration lockWait,
                           boolean acceptNewHostKeys) {
    }

    private Runs() {
    }

    /** Starts a new run of the runbook in {@code file}. */
    public static RunEngine.Outcome exec(Path file, ParamBinder.Inputs inputs, Settings s) throws InterruptedException {
        Runbook runbook = Runbooks.require(file);
        BoundParams params = Runbooks.bind(runbook, inputs);
        RunStore store = new RunStore(s.stateDir() != null ? s.stateDir() : RunStore.defaultDir(file));
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        info.put("file_sha256", sha256(file));
        info.put("user", System.getProperty("user.name"));
        if (inputs.inventory() != null) {
            info.put("inventory", inputs.inventory().toAbsolutePath().normalize().toString());
        }
        return engine(runbook, params, store, s, inputs, null).exec(info);
    }

    /** Continues a stopped run. */
    public static RunEngine.Outcome resume(String runId, ParamBinder.Inputs inputs, Settings s)
            throws InterruptedException {
        Found f = find(runId, s.stateDir(), inputs);
        return f.engine(s, inputs).resume(f.history);
    }

    /** Rolls a stopped run back. */
    public static RunEngine.Outcome rollback(String runId, ParamBinder.Inputs inputs, Settings s)
            throws InterruptedException {
        Found f = find(runId, s.stateDir(), inputs);
        return f.engine(s, inputs).rollback(f.history);
    }

    /**
     * The success checks of the runbook in {@code file}, evaluated now against the step results of its latest run
     * (none when it never ran).
     */
    public static dev.runbook.exec.Verification.Outcome verify(Path file, ParamBinder.Inputs inputs, Path stateDir) {
        Runbook runbook = Runbooks.require(file);
        BoundParams params = Runbooks.bind(runbook, inputs);
        RunStore store = new RunStore(stateDir != null ? stateDir : RunStore.defaultDir(file));
        Map<String, dev.runbook.exec.StepResult> last = Map.of();
        List<String> ids = store.runIds();
        for (int i = ids.size() - 1; i >= 0; i--) {
            RunHistory h = RunHistory.read(store.journal(ids.get(i)));
            if (runbook.name().equals(h.started().text("runbook"))) {
                last = h.results();
                break;
            }
        }
        var collector = new LocalFactCollector(runbook,
                FactRoots.of(runbook, params, inputs.env(), "verify", System.currentTimeMillis(), false));
        try (var targets = dev.runbook.exec.TargetConnections.open(runbook, params)) {
            collector.useExecutors(targets::executor);
            collector.useEngines(targets::docker);
            return new dev.runbook.exec.Verification.Outcome(runbook.name(),
                    dev.runbook.exec.Verification.check(runbook, params, last, collector, inputs.env()));
        }
    }

    /** The history of a run, found in {@code stateDir} or, without one, in the usual places. */
    public static RunHistory history(String runId, Path stateDir) {
        return RunHistory.read(store(runId, stateDir).journal(runId));
    }

    /** The state directories searched for runs when none is named: {@code .runbook} here and one level down. */
    public static List<Path> stateDirs() {
        List<Path> out = new ArrayList<>();
        Path here = Path.of(".runbook");
        if (Files.isDirectory(here)) {
            out.add(here);
        }
        try (Stream<Path> s = Files.list(Path.of("."))) {
            s.map(p -> p.resolve(".runbook")).filter(Files::isDirectory).sorted().forEach(out::add);
        } catch (IOException e) {
            // nothing readable here
        }
        return out;
    }

    private record Found(RunHistory history, Runbook runbook, RunStore store) {
        RunEngine engine(Settings s, ParamBinder.Inputs inputs) {
            @SuppressWarnings("unchecked")
            Map<String, Object> recorded = (Map<String, Object>) history.started().get("params");
            String inventory = history.started().text("inventory");
            ParamBinder.Inputs in = inputs.inventory() == null && inventory != null
                    ? inputs.withInventory(Path.of(inventory)) : inputs;
            BoundParams params = Runbooks.bind(runbook, in.withRecorded(recorded == null ? Map.of()
                    : withoutMasked(recorded)));
            return Runs.engine(runbook, params, store, s, inputs, history);
        }
    }

    private static Found find(String runId, Path stateDir, ParamBinder.Inputs inputs) {
        RunStore store = store(runId, stateDir);
        RunHistory h = RunHistory.read(store.journal(runId));
        Path file = h.runbookFile();
        String was = h.started().text("file_sha256");
        if (was != null && !was.equals(sha256(file))) {
            throw new InputException(file + " changed since run " + runId + " started: resuming would run other steps"
                    + " than it planned. Put the runbook back as it was, or start a new run");
        }
        return new Found(h, Runbooks.require(file), store);
    }

    private static RunStore store(String runId, Path stateDir) {
        if (stateDir != null) {
            return new RunStore(stateDir);
        }
        for (Path dir : stateDirs()) {
            RunStore s = new RunStore(dir);
            if (s.runIds().contains(runId)) {
                return s;
            }
        }
        throw new InputException("no run " + runId + " in " + stateDirs() + ": name the state directory with --state-dir");
    }

    private static Map<String, Object> withoutMasked(Map<String, Object> recorded) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(recorded);
        out.values().removeIf("***"::equals);
        return out;
    }

    /**
     * The engine of a run, with the collector of its facts on this machine ({@link LocalFactCollector}: facts on
     * other targets fail, saying so); {@code history} is the run resumed or rolled back, or null for a new run.
     */
    private static RunEngine engine(Runbook runbook, BoundParams params, RunStore store, Settings s,
                                    ParamBinder.Inputs inputs, RunHistory history) {
        FactRoots roots = FactRoots.of(runbook, params, inputs.env(), history == null ? null : history.runId(),
                history == null ? System.currentTimeMillis() : history.start().toEpochMilli(), false);
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(roots.watcher());
        sinks.addAll(s.sinks());
        return new RunEngine(runbook, params, new RunEngine.Options(store, s.approvals(), sinks, s.lockWait(),
                new LocalFactCollector(runbook, roots), inputs.env(), s.acceptNewHostKeys()));
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
