package dev.runbook.validate;

import dev.runbook.diag.Problem;
import dev.runbook.diag.Problems;
import dev.runbook.model.Check;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Fact;
import dev.runbook.model.FactSource;
import dev.runbook.model.Param;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Trigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what parsing cannot: that every name a runbook uses exists where it is used (targets, facts,
 * params, earlier steps and their outputs), that expressions compile in the sandbox, that step ids are unique,
 * that param defaults fit their types and that facts are read-only. Reports every problem, in source order.
 */
public final class Validator {

    private final Runbook runbook;
    private final Problems problems = new Problems();
    private final ReferenceChecker refs;
    private final TargetRules rules;
    private final Map<String, Step> seenIds = new LinkedHashMap<>();
    private final Set<String> ignored;

    private Validator(Runbook runbook, Set<String> ignored) {
        this.runbook = runbook;
        this.ignored = ignored;
        this.refs = new ReferenceChecker(runbook, problems, ignored);
        this.rules = new TargetRules(runbook, problems);
    }

    /** Every problem of a parsed runbook; empty when it is valid. */
    public static List<Problem> validate(Runbook runbook) {
        return validate(runbook, Set.of());
    }

    /**
     * Every problem of a runbook, which may be what could be read of a file with problems already: uses of the
     * {@code ignored} names (whose declarations could not be read) are not reported again.
     */
    public static List<Problem> validate(Runbook runbook, Set<String> ignored) {
        Validator v = new Validator(runbook, ignored);
        v.run();
        return v.problems.sorted();
    }

    private void run() {
        Scope top = new Scope("the runbook", runbook.params(), null, false, false);
        for (Target t : runbook.targets().values()) {
            if (t instanceof Target.Ssh s) {
                s.hosts().forEach(h -> refs.text(h, "targets." + t.name() + ".ssh", top));
                login(s, top);
            } else if (t instanceof Target.Docker d) {
                refs.text(d.url(), "targets." + t.name() + ".docker", top);
                refs.text(d.certs(), "targets." + t.name() + ".certs", top);
                via(d);
            }
        }
        runbook.facts().values().forEach(f -> fact(f, top));
        Scope pre = new Scope("a precondition", runbook.params(), null, false, false);
        checks(runbook.preconditions(), "preconditions", pre);

        StepsSoFar done = new StepsSoFar();
        steps(runbook.steps(), runbook.params(), done);

        Set<String> ids = allStepIds(runbook);
        Scope end = new Scope("a rollback trigger", runbook.params(), done.snapshot(), false, false);
        for (int i = 0; i < runbook.rollbackOn().size(); i++) {
            Trigger t = runbook.rollbackOn().get(i);
            refs.expr(t.when(), "rollback_on[" + i + "].when", end);
            if (t.armedAfter() != null && !ids.contains(t.armedAfter()) && !ignored.contains(t.armedAfter())) {
                problems.add(t.at(), "rollback_on[" + i + "].armed_after", "no step '" + t.armedAfter() + "' to arm after");
            }
        }
        checks(runbook.success(), "success", new Scope("a success check", runbook.params(), done.snapshot(), false, false));
    }

    private void fact(Fact f, Scope scope) {
        String path = "facts." + f.name();
        target(f.on(), path + ".on", f.onAt());
        rules.fact(f);
        FactSource s = f.source();
        if (s instanceof FactSource.Http h) {
            refs.text(h.url(), path + ".http.url", scope);
            h.headers().values().forEach(v -> refs.text(v, path + ".http.headers", scope));
            refs.text(h.body(), path + ".http.body", scope);
        } else if (s instanceof FactSource.Shell sh) {
            refs.text(sh.command(), path + ".shell", scope);
        } else if (s instanceof FactSource.Sql q) {
            refs.text(q.url(), path + ".sql.url", scope);
            refs.text(q.query(), path + ".sql.query", scope);
            ReadOnly.sql(q.query(), path + ".sql.query", problems);
        } else if (s instanceof FactSource.Redis r) {
            refs.text(r.url(), path + ".redis.url", scope);
            r.command().forEach(c -> refs.text(c, path + ".redis.command", scope));
            ReadOnly.redis(r.command(), f.at(), path + ".redis.command", problems);
        } else if (s instanceof FactSource.WebSocket w) {
            refs.text(w.url(), path + ".websocket.url", scope);
            refs.text(w.subscribe(), path + ".websocket.subscribe", scope);
        } else if (s instanceof FactSource.Logs l) {
            refs.text(l.file(), path + ".logs.file", scope);
            refs.text(l.command(), path + ".logs.command", scope);
            refs.text(l.container(), path + ".logs.container", scope);
            refs.text(l.since(), path + ".logs.since", scope);
        } else if (s instanceof FactSource.File fl) {
            refs.text(fl.path(), path + ".file.path", scope);
        } else if (s instanceof FactSource.Docker d && d.container() != null) {
            ref(d.container(), path + ".docker", scope);
        }
    }

    /** A docker target's {@code via} names an ssh target of one host. */
    private void via(Target.Docker d) {
        if (d.via() == null) {
            return;
        }
        Target through = runbook.targets().get(d.via());
        String path = "targets." + d.name() + ".via";
        if (through == null) {
            problems.add(d.at(), path, "no target '" + d.via() + "' to reach the Docker engine through; 'via' names"
                    + " an ssh target");
        } else if (!(through instanceof Target.Ssh ssh)) {
            problems.add(d.at(), path, "'via' names target '" + d.via() + "', a " + through.kind()
                    + " target; it must be an ssh target (the engine's socket is on its host)");
        } else if (ssh.hosts().size() > 1) {
            problems.add(d.at(), path, "'via' names '" + d.via() + "', a fleet of " + ssh.hosts().size()
                    + " hosts; an engine is reached through one host: declare an ssh target of that host");
        }
    }

    private void login(Target.Ssh t, Scope scope) {
        String path = "targets." + t.name() + ".";
        Target.SshLogin l = t.login();
        refs.text(l.knownHosts(), path + "known_hosts", scope);
        refs.text(l.identity(), path + "identity", scope);
        refs.text(l.passphrase(), path + "passphrase", scope);
        refs.text(l.password(), path + "password", scope);
        refs.text(l.jump(), path + "jump", scope);
        duration(l.connectTimeout(), path + "connect_timeout", scope);
    }

    private void checks(List<Check> checks, String path, Scope scope) {
        for (int i = 0; i < checks.size(); i++) {
            refs.expr(checks.get(i).that(), path + "[" + i + "].that", scope);
        }
    }

    private void steps(List<Step> steps, Map<String, Param> params, StepsSoFar done) {
        for (Step step : steps) {
            step(step, params, done);
        }
    }

    private void step(Step step, Map<String, Param> params, StepsSoFar done) {
        var c = step.common();
        String path = c.path();
        uniqueId(step);
        target(c.on(), path + ".on", c.onAt());
        rules.step(step);
        Scope here = new Scope("step '" + c.label() + "'", params, done.snapshot(), true, false);
        refs.expr(c.when(), path + ".when", here);
        duration(c.timeout(), path + ".timeout", here);
        duration(c.delay(), path + ".delay", here);
        if (step instanceof Step.Run r) {
            refs.text(r.command(), path + ".run", here);
        } else if (step instanceof Step.Assert a) {
            refs.expr(a.that(), path + ".assert", here);
        } else if (step instanceof Step.Approve a) {
            refs.text(a.question(), path + ".approve", here);
        } else if (step instanceof Step.Wait w) {
            refs.expr(w.until(), path + ".wait.until", here);
            duration(w.every(), path + ".wait.every", here);
            duration(w.within(), path + ".wait.within", here);
        } else if (step instanceof Step.Http h) {
            h.requests().forEach(q -> {
                refs.text(q.url(), path + ".http", here);
                q.headers().values().forEach(v -> refs.text(v, path + ".http.headers", here));
                refs.text(q.body(), path + ".http.body", here);
            });
        } else if (step instanceof Step.Monitor m) {
            duration(m.duration(), path + ".monitor.for", here);
            duration(m.every(), path + ".monitor.every", here);
            checks(m.checks(), path + ".monitor.checks", here);
        } else if (step instanceof Step.Notify n) {
            notify(n, path, here);
        } else if (step instanceof Step.Upload u) {
            refs.text(u.from(), path + ".upload.from", here);
            refs.text(u.to(), path + ".upload.to", here);
        } else if (step instanceof Step.Download d) {
            refs.text(d.from(), path + ".download.from", here);
            refs.text(d.to(), path + ".download.to", here);
        } else if (docker(step, path, here)) {
            // checked by docker()
        } else if (step instanceof Step.Group g) {
            steps(g.steps(), params, done);
        } else if (step instanceof Step.Include inc) {
            include(inc, here, done);
        }
        if (c.changesImage() != null) {
            target(c.changesImage().target(), path + ".changes_image.on", c.changesImage().at());
            ref(c.changesImage().service(), path + ".changes_image", here);
        }
        if (c.id() != null) {
            done.add(c.id(), c.outputs().keySet()); // its outputs and rollback read it too
        }
        Scope after = new Scope("the outputs of step '" + c.label() + "'", params, done.snapshot(), true, false);
        c.outputs().forEach((name, t) -> refs.text(t, path + ".outputs." + name, after));
        rollback(step, params, done);
    }

    /** The templates of a notify step: its message, webhook and email. */
    private void notify(Step.Notify n, String path, Scope scope) {
        String at = path + ".notify";
        refs.text(n.message(), at + ".message", scope);
        if (n.webhook() != null) {
            refs.text(n.webhook().url(), at + ".webhook", scope);
            n.webhook().headers().values().forEach(v -> refs.text(v, at + ".headers", scope));
        }
        if (n.email() != null) {
            var e = n.email();
            e.to().forEach(t -> refs.text(t, at + ".email.to", scope));
            refs.text(e.from(), at + ".email.from", scope);
            refs.text(e.subject(), at + ".email.subject", scope);
            refs.text(e.smtp().host(), at + ".email.smtp.host", scope);
            refs.text(e.smtp().port(), at + ".email.smtp.port", scope);
            refs.text(e.smtp().user(), at + ".email.smtp.user", scope);
            refs.text(e.smtp().password(), at + ".email.smtp.password", scope);
        }
    }

    private void rollback(Step step, Map<String, Param> params, StepsSoFar done) {
        Scope scope = new Scope("the rollback of '" + step.common().label() + "'", params, done.snapshot(), true, true);
        for (Step r : step.common().rollback()) {
            var c = r.common();
            if (c.id() != null) {
                uniqueId(r);
            }
            target(c.on(), c.path() + ".on", c.onAt());
            rules.step(r);
            refs.expr(c.when(), c.path() + ".when", scope);
            if (r instanceof Step.Run run) {
                refs.text(run.command(), c.path() + ".run", scope);
            } else if (r instanceof Step.Http h) {
                h.requests().forEach(q -> refs.text(q.url(), c.path() + ".http", scope));
            } else if (r instanceof Step.Assert a) {
                refs.expr(a.that(), c.path() + ".assert", scope);
            } else if (r instanceof Step.Notify n) {
                notify(n, c.path(), scope);
            } else if (r instanceof Step.Upload u) {
                refs.text(u.from(), c.path() + ".upload.from", scope);
                refs.text(u.to(), c.path() + ".upload.to", scope);
            } else if (r instanceof Step.Download d) {
                refs.text(d.from(), c.path() + ".download.from", scope);
                refs.text(d.to(), c.path() + ".download.to", scope);
            } else if (!(r instanceof Step.Pull) && docker(r, c.path(), scope)) {
                // checked by docker()
            } else {
                problems.add(c.at(), c.path(), "a rollback step is run, http, assert, notify, upload, download, exec,"
                        + " container, restart, stop, start or compose, not " + r.kind());
            }
        }
    }

    /** Checks the templates of a Docker step; false when the step is of another kind. */
    private boolean docker(Step step, String path, Scope scope) {
        if (step instanceof Step.Container ct) {
            var spec = ct.spec();
            refs.text(spec.image(), path + ".container.image", scope);
            refs.text(spec.command(), path + ".container.command", scope);
            spec.env().forEach((k, v) -> refs.text(v, path + ".container.env." + k, scope));
            spec.mounts().forEach(m -> refs.text(m, path + ".container.mounts", scope));
        } else if (step instanceof Step.Exec e) {
            ref(e.container(), path + ".exec", scope);
            refs.text(e.command(), path + ".exec.command", scope);
        } else if (step instanceof Step.Service sv) {
            ref(sv.container(), path + "." + sv.action(), scope);
        } else if (step instanceof Step.Pull p) {
            refs.text(p.image(), path + ".pull", scope);
        } else if (step instanceof Step.Compose cp) {
            var c = cp.compose();
            refs.text(c.cli(), path + ".compose.cli", scope);
            refs.text(c.dir(), path + ".compose.dir", scope);
            c.files().forEach(f -> refs.text(f, path + ".compose.files", scope));
            refs.text(c.project(), path + ".compose.project", scope);
            refs.text(c.command(), path + ".compose.command", scope);
            c.env().forEach((k, v) -> refs.text(v, path + ".compose.env." + k, scope));
        } else {
            return false;
        }
        return true;
    }

    private void ref(dev.runbook.model.Containers.Ref ref, String path, Scope scope) {
        refs.text(ref.name(), path + ".container", scope);
        refs.text(ref.project(), path + ".project", scope);
        refs.text(ref.service(), path + ".service", scope);
    }

    private void include(Step.Include inc, Scope outer, StepsSoFar done) {
        String path = inc.common().path();
        inc.with().forEach((name, value) -> refs.text(value, path + ".with." + name, outer));
        steps(inc.fragment().steps(), inc.fragment().params(), done);
    }

    private void uniqueId(Step step) {
        String id = step.id();
        if (id == null) {
            return;
        }
        Step first = seenIds.putIfAbsent(id, step);
        if (first != null) {
            problems.add(step.common().at(), step.common().path() + ".id", "duplicate step id '" + id
                    + "' (first at " + first.common().at() + ")");
        }
    }

    private void target(String name, String path, dev.runbook.diag.SourceLocation at) {
        if (!runbook.targets().containsKey(name) && !ignored.contains(name)) {
            problems.add(at, path, "no target '" + name + "'; the targets are " + runbook.targets().keySet());
        }
    }

    private void duration(DurationSpec d, String path, Scope scope) {
        if (d != null && d.template() != null) {
            refs.text(d.template(), path, scope);
        }
    }

    /** Every step id in the runbook, its groups, includes and rollbacks. */
    static Set<String> allStepIds(Runbook runbook) {
        Set<String> ids = new java.util.HashSet<>();
        collect(runbook.steps(), ids);
        return ids;
    }

    private static void collect(List<Step> steps, Set<String> ids) {
        for (Step s : steps) {
            if (s.id() != null) {
                ids.add(s.id());
            }
            collect(s.common().rollback(), ids);
            if (s instanceof Step.Group g) {
                collect(g.steps(), ids);
            } else if (s instanceof Step.Include i) {
                collect(i.fragment().steps(), ids);
            }
        }
    }

}
