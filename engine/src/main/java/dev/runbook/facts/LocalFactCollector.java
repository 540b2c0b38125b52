package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.FactCollector;
import dev.runbook.model.Fact;
import dev.runbook.model.FactSource;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import java.time.Duration;

/**
 * Collects the facts of a runbook from this machine: {@code http}, {@code shell}, {@code file}, {@code logs} (from a
 * file or a command), {@code sql} (PostgreSQL), {@code redis} and {@code websocket}. Each has a timeout (the fact's {@code timeout}, or {@code http.timeout}; 10 s by default).
 * A fact that cannot be collected fails with {@code fact 'NAME' cannot be collected: REASON}, secrets masked, so that
 * a guard or check over it fails closed and says why. {@code shell}, {@code file} and {@code logs} facts {@code on:} an
 * SSH target are collected there, through the run's session to it. Facts on Docker targets and Docker logs are not
 * collected by this version: they fail so, saying it.
 */
public final class LocalFactCollector implements FactCollector {

    /** How long collecting a fact may take when it says nothing. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Runbook runbook;
    private final FactRoots roots;
    private final HttpFact http = new HttpFact(new dev.runbook.exec.Http());
    private final WebSocketFact websocket = new WebSocketFact();
    private volatile java.util.function.Function<String, dev.runbook.exec.Executor> executors;
    private volatile java.util.function.Function<String, dev.runbook.exec.docker.DockerEngine> engines;

    public LocalFactCollector(Runbook runbook, FactRoots roots) {
        this.runbook = runbook;
        this.roots = roots;
    }

    /** The roots the templates of fact specs see. */
    public FactRoots roots() {
        return roots;
    }

    @Override
    public void useExecutors(java.util.function.Function<String, dev.runbook.exec.Executor> executors) {
        this.executors = executors;
    }

    @Override
    public void useEngines(java.util.function.Function<String, dev.runbook.exec.docker.DockerEngine> engines) {
        this.engines = engines;
    }

    @Override
    public Object collect(Fact fact) {
        try {
            return collectHere(fact);
        } catch (RunbookException e) {
            throw new RunbookException("fact '" + fact.name() + "' cannot be collected: " + roots.mask(e.getMessage()));
        }
    }

    private Object collectHere(Fact fact) {
        Target t = runbook.targets().get(fact.on());
        FactSource s = fact.source();
        dev.runbook.exec.Executor on = null;
        if (t instanceof Target.Ssh) {
            if (!(s instanceof FactSource.Shell || s instanceof FactSource.File || s instanceof FactSource.Logs)) {
                throw new RunbookException(s.kind() + " facts are collected from this machine; only shell, file and"
                        + " logs facts are collected on a target");
            }
            if (executors == null) {
                throw new RunbookException("it is collected on target '" + fact.on() + "' (ssh), and this collector"
                        + " was given no connections to targets");
            }
            on = executors.apply(fact.on());
        } else if (t instanceof Target.Docker) {
            if (engines == null) {
                throw new RunbookException("it is collected on target '" + fact.on() + "' (docker), and this"
                        + " collector was given no connections to targets");
            }
            return DockerFacts.collect(fact, engines.apply(fact.on()), roots);
        }
        Duration timeout = roots.duration(fact.timeout(), DEFAULT_TIMEOUT);
        if (on != null) {
            return remote(fact, s, on, timeout);
        }
        if (s instanceof FactSource.Http h) {
            return http.collect(h, roots.duration(h.timeout(), timeout), roots);
        }
        if (s instanceof FactSource.Shell sh) {
            return Parse.value(ShellFact.run(roots.render(sh.command(), true), roots.show(sh.command(), true), timeout,
                    roots.masker()),
                    fact.parse(), fact.secret());
        }
        if (s instanceof FactSource.File f) {
            return FileFact.collect(roots.render(f.path(), false), fact.parse(), fact.secret());
        }
        if (s instanceof FactSource.WebSocket w) {
            return websocket.collect(w, roots.duration(w.timeout(), timeout), roots);
        }
        if (s instanceof FactSource.Sql q) {
            return SqlFact.collect(q, timeout, roots);
        }
        if (s instanceof FactSource.Redis r) {
            return RedisFact.collect(r, timeout, roots);
        }
        if (s instanceof FactSource.Logs l) {
            return LogsFact.collect(l, roots, timeout);
        }
        throw new RunbookException(s.kind() + " facts are not collected by this version yet");
    }

    private Object remote(Fact fact, FactSource s, dev.runbook.exec.Executor on, Duration timeout) {
        if (s instanceof FactSource.Shell sh) {
            return Parse.value(ShellFact.run(on, roots.render(sh.command(), true), roots.show(sh.command(), true),
                    timeout, roots.masker()), fact.parse(), fact.secret());
        }
        if (s instanceof FactSource.File f) {
            return FileFact.collectOn(on, roots.render(f.path(), false), fact.parse(), fact.secret(), timeout,
                    roots.masker());
        }
        return LogsFact.collectOn(on, (FactSource.Logs) s, roots, timeout);
    }
}
