package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import dev.runbook.journal.EventType;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Durations;
import dev.runbook.model.Fact;
import dev.runbook.model.Runbook;
import dev.runbook.model.Text;
import dev.runbook.secret.Masker;
import dev.runbook.vars.BoundParams;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the templates of fact specs (urls, headers, bodies, commands, paths, {@code since}) see: the runbook's params,
 * its {@code env} and the {@code run} root; how they render (shell quoting, secrets) and the masker of every message.
 * A fact spec is written at the top of the runbook, so it has no {@code steps}, {@code target} or {@code previous}.
 *
 * <p>The run's id and start are learnt from the run's first event ({@link #watcher()}): the engine makes the id when
 * the run starts, after the collector is made.
 */
public final class FactRoots {

    private final String runbook;
    private final Map<String, Object> params;
    private final Map<String, Object> env;
    private final RenderOptions options;
    private final Masker masker;
    private final boolean dry;
    private volatile String runId;
    private volatile long startMs;

    FactRoots(String runbook, Map<String, Object> params, Map<String, Object> env, RenderOptions options, Masker masker,
              String runId, long startMs, boolean dry) {
        this.runbook = runbook;
        this.params = params;
        this.env = env;
        this.options = options;
        this.masker = masker;
        this.runId = runId;
        this.startMs = startMs;
        this.dry = dry;
    }

    /**
     * The roots of a run's facts.
     *
     * @param runId   the run's id when known (resume, rollback), or null until its first event
     * @param startMs when the run started (epoch ms): the default {@code since} of logs facts
     * @param dry     a plan, not a run ({@code run.dry})
     */
    public static FactRoots of(Runbook runbook, BoundParams params, Map<String, String> environment, String runId,
                               long startMs, boolean dry) {
        Set<List<String>> secrets = new HashSet<>();
        params.secretNames().forEach(n -> secrets.add(List.of("params", n)));
        runbook.facts().values().stream().filter(Fact::secret).forEach(f -> secrets.add(List.of("facts", f.name())));
        Map<String, Object> env = new LinkedHashMap<>();
        runbook.env().forEach(n -> env.put(n, environment.getOrDefault(n, "")));
        return new FactRoots(runbook.name(), params.values(), env,
                new RenderOptions(false, params.commandNames(), secrets, true), params.masker(), runId, startMs, dry);
    }

    /** Learns the run's id (and, for a new run, its start) from its first event. */
    public EventSink watcher() {
        return (Event e) -> {
            if (runId == null || !runId.equals(e.run())) {
                runId = e.run();
                if (EventType.RUN_STARTED.equals(e.type())) {
                    startMs = e.time().toEpochMilli();
                }
            }
        };
    }

    /** When the run started, epoch ms. */
    public long startMs() {
        return startMs;
    }

    Masker masker() {
        return masker;
    }

    String mask(String text) {
        return masker.mask(text);
    }

    Map<String, Object> roots() {
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", params);
        roots.put("env", env);
        Map<String, Object> run = new LinkedHashMap<>();
        if (runId != null) {
            run.put("id", runId);
        }
        run.put("start", startMs);
        run.put("dry", dry);
        run.put("runbook", runbook);
        run.put("status", "running");
        run.put("reason", "");
        roots.put("run", run);
        return roots;
    }

    /** The template as it is used (secrets included); {@code shell} quotes each value as one shell word. */
    String render(Text t, boolean shell) {
        RenderOptions o = shell ? options.forShell() : options.forText();
        return Expressions.template(t).render(roots(), new RenderOptions(o.shell(), o.commandParams(), o.secrets(),
                false));
    }

    /** The template as shown in messages: secrets masked. */
    String show(Text t, boolean shell) {
        try {
            return mask(Expressions.template(t).render(roots(), shell ? options.forShell() : options.forText()));
        } catch (RuntimeException e) {
            return mask(t.source());
        }
    }

    /** A duration of a fact spec, its template rendered; {@code fallback} when it is not given. */
    Duration duration(DurationSpec d, Duration fallback) {
        if (d == null) {
            return fallback;
        }
        if (d.literal() != null) {
            return d.literal();
        }
        String v = render(d.template(), false).trim();
        if (v.matches("[0-9]{1,18}")) {
            return Duration.ofMillis(Long.parseLong(v));
        }
        return Durations.parse(v).orElseThrow(() -> new RunbookException("'" + d.template().source() + "' gave '"
                + mask(v) + "', which is not a duration"));
    }
}
