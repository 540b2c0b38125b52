package dev.runbook.plan;

import dev.runbook.expr.ExpressionException;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.expr.Values;
import dev.runbook.model.Check;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Expr;
import dev.runbook.model.Fact;
import dev.runbook.model.Param;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.model.Trigger;
import dev.runbook.secret.Masker;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.FragmentParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes the dry-run {@link Plan} of a valid runbook: renders every command and request as it would run
 * (secrets masked), evaluates the guards and checks it can, and says why it cannot evaluate the rest.
 * It never runs a step.
 */
public final class Planner {

    private static final Set<String> OFFLINE = Set.of("steps", "previous", "facts");
    private static final Set<String> FLEET = Set.of("steps", "previous", "facts", "target");

    private final Runbook runbook;
    private final BoundParams params;
    private Masker masker;
    private final RenderOptions options;
    private final Map<String, Object> env;
    private final List<Plan.Step> out = new ArrayList<>();
    /** The facts, collected when a check reads them; null offline. */
    private final dev.runbook.facts.CollectedFacts facts;
    private final PlanEvaluation evaluation;

    private Planner(Runbook runbook, BoundParams params, Map<String, String> environment,
                    dev.runbook.exec.FactCollector collector) {
        this(runbook, params, environment, collector, null);
    }

    private Planner(Runbook runbook, BoundParams params, Map<String, String> environment,
                    dev.runbook.exec.FactCollector collector, Map<String, Object> snapshot) {
        this.runbook = runbook;
        this.facts = collector == null ? null : new dev.runbook.facts.CollectedFacts(runbook.facts(), collector);
        this.evaluation = new PlanEvaluation(this, runbook.facts(), facts, snapshot);
        this.params = params;
        this.masker = params.masker();
        Set<List<String>> secrets = new java.util.HashSet<>();
        params.secretNames().forEach(n -> secrets.add(List.of("params", n)));
        runbook.facts().values().stream().filter(Fact::secret).forEach(f -> secrets.add(List.of("facts", f.name())));
        this.options = new RenderOptions(false, params.commandNames(), secrets, true);
        this.env = new LinkedHashMap<>();
        runbook.env().forEach(n -> env.put(n, environment.getOrDefault(n, "")));
    }

    /** The offline plan: facts are not collected, so checks that read them are shown unevaluated. */
    public static Plan offline(Runbook runbook, BoundParams params, Map<String, String> environment, List<String> notes) {
        return new Planner(runbook, params, environment, null).plan(notes);
    }

    /**
     * The plan with facts collected now by {@code collector} (each at most once): preconditions, guards, triggers
     * and success checks that read facts and nothing known only during the run are evaluated against the values
     * read, and say which values they read (a secret fact's as {@code ***}).
     */
    public static Plan online(Runbook runbook, BoundParams params, Map<String, String> environment, List<String> notes,
                              dev.runbook.exec.FactCollector collector) {
        return new Planner(runbook, params, environment, collector).plan(notes);
    }

    /**
     * The plan with facts read from {@code snapshot} (recorded values by fact name, as {@code runbook facts --save}
     * writes them) instead of collected: nothing is contacted. A check reading a fact missing from the snapshot is
     * not evaluated.
     */
    public static Plan fromSnapshot(Runbook runbook, BoundParams params, Map<String, String> environment,
                                    List<String> notes, Map<String, Object> snapshot) {
        dev.runbook.exec.FactCollector fromSnapshot = fact -> {
            if (!snapshot.containsKey(fact.name())) {
                throw new dev.runbook.diag.RunbookException("fact '" + fact.name() + "' is not in the snapshot");
            }
            return snapshot.get(fact.name());
        };
        return new Planner(runbook, params, environment, fromSnapshot, snapshot).plan(notes);
    }

    private Plan plan(List<String> notes) {
        PlanScope top = new PlanScope(params.values(), null, options);
        List<Plan.Param> ps = runbook.params().values().stream().map(this::param).toList();
        List<Plan.Target> ts = runbook.targets().values().stream().map(t -> target(t, top)).toList();
        List<Plan.Check> pre = runbook.preconditions().stream().map(c -> check(c, top)).toList();
        steps(runbook.steps(), "", 0, top);
        List<Plan.Trigger> triggers = runbook.rollbackOn().stream().map(t -> trigger(t, top)).toList();
        List<Plan.Check> success = runbook.success().stream().map(c -> check(c, top)).toList();
        return new Plan(runbook.name(), mask(runbook.description()), String.valueOf(runbook.file()), facts == null,
                notes, ps, ts, pre, List.copyOf(out), triggers, success);
    }

    /** The runbook's directory, where {@code changelog()} reads relative paths. */
    private java.nio.file.Path dir() {
        java.nio.file.Path parent = runbook.file() == null ? null : runbook.file().toAbsolutePath().getParent();
        return parent == null ? java.nio.file.Path.of(".") : parent;
    }

    Map<String, Object> roots(PlanScope s) {
        Map<String, Object> roots = new dev.runbook.expr.Roots(dir());
        roots.put("params", s.params());
        roots.put("env", env);
        roots.put("run", Map.of("id", "dry-run", "start", System.currentTimeMillis(), "dry", true, "runbook",
                runbook.name(), "status", "running", "reason", ""));
        if (s.target() != null) {
            PlanScope outside = new PlanScope(s.params(), null, s.options());
            String host = hosts(s.target(), outside).stream().findFirst().orElse("localhost");
            roots.put("target", Map.of("name", s.target().name(), "kind", s.target().kind(), "host",
                    host.replaceFirst("^[^@]*@", "").replaceFirst(":[0-9]+$", ""), "vars", Map.of()));
        }
        return roots;
    }

    private Plan.Param param(Param p) {
        Object v = params.values().get(p.name());
        String shown = v == null ? "(none)" : p.secret() ? Masker.MASK
                : p.type() == dev.runbook.model.ParamType.DURATION ? dev.runbook.model.Durations.format(
                        java.time.Duration.ofMillis(((Number) v).longValue())) : Values.text(v);
        return new Plan.Param(p.name(), p.type().keyword(), mask(shown), params.sources().getOrDefault(p.name(), ""),
                p.secret());
    }

    private Plan.Target target(Target t, PlanScope s) {
        return new Plan.Target(t.name(), t.kind(), hosts(t, s), t.description());
    }

    private List<String> hosts(Target t, PlanScope s) {
        if (t instanceof Target.Ssh ssh) {
            return FleetPlan.hosts(ssh, params.inventory(), h -> render(h, s, false));
        }
        if (t instanceof Target.Docker d) {
            if (d.via() != null) {
                String socket = d.url() == null ? "unix:///var/run/docker.sock" : render(d.url(), s, false);
                return List.of(socket + " on the host of '" + d.via() + "', through its SSH connection");
            }
            String url = d.url() == null ? "default (DOCKER_HOST, else unix:///var/run/docker.sock)"
                    : render(d.url(), s, false);
            return List.of(url + (d.certs() != null ? " (TLS, certs in " + render(d.certs(), s, false) + ")" : ""));
        }
        return List.of("localhost");
    }

    private Plan.Check check(Check c, PlanScope s) {
        Plan.Check e = evaluation.evaluate(c.that(), s);
        return new Plan.Check(mask(c.label()), e.expression(), e.status(), e.detail(),
                c.message() == null ? null : mask(c.message()));
    }

    private Plan.Trigger trigger(Trigger t, PlanScope s) {
        Plan.Check e = evaluation.evaluate(t.when(), s);
        return new Plan.Trigger(mask(t.name()), e.expression(), t.armedAfter(), e.status(), e.detail(),
                t.message() == null ? null : mask(t.message()));
    }

    private void steps(List<Step> steps, String prefix, int depth, PlanScope scope) {
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), prefix + (i + 1), depth, scope);
        }
    }

    private void step(Step step, String number, int depth, PlanScope outer) {
        var c = step.common();
        Target t = runbook.targets().get(c.on());
        PlanScope s = new PlanScope(outer.params(), t, outer.options());
        Plan.Check guard = c.when() == null ? null : evaluation.evaluate(c.when(), s);
        Map<String, String> outputs = new LinkedHashMap<>();
        c.outputs().forEach((k, v) -> outputs.put(k, render(v, s, false)));
        List<Plan.Action> rollback = c.rollback().stream().map(r -> action(r, s)).toList();
        out.add(new Plan.Step(number, c.id(), mask(c.label()), step.kind(), c.on(), depth, mask(c.description()),
                Actions.describe(step, this, s), guard, duration(c.timeout(), s), c.retries(), duration(c.delay(), s),
                c.irreversible(), c.continueOnError(), outputs, rollback, FleetPlan.of(t, c, params.inventory(),
                h -> render(h, new PlanScope(s.params(), null, s.options()), false))));
        if (step instanceof Step.Group g) {
            steps(g.steps(), number + ".", depth + 1, outer);
        } else if (step instanceof Step.Include inc) {
            steps(inc.fragment().steps(), number + ".", depth + 1, fragmentScope(inc, s));
        }
    }

    /** The scope of an included fragment; a secret bound into it is masked like the runbook's own. */
    private PlanScope fragmentScope(Step.Include inc, PlanScope s) {
        FragmentParams f = FragmentParams.bind(inc, s.options(), t -> readsMissing(t, s) ? null : renderRaw(t, s));
        f.values().forEach((name, v) -> {
            if (f.secret(name)) {
                masker = masker.with(dev.runbook.expr.Values.text(v));
            }
        });
        return new PlanScope(f.values(), null, f.options());
    }

    private static boolean readsMissing(Text t, PlanScope s) {
        return Expressions.template(t).expressions().stream().flatMap(e -> e.references().stream())
                .anyMatch(r -> r.get(0).equals("params") && r.size() > 1 && !s.params().containsKey(r.get(1)));
    }

    private Plan.Action action(Step r, PlanScope s) {
        Target t = runbook.targets().get(r.common().on());
        PlanScope here = new PlanScope(s.params(), t, s.options());
        String when = r.common().when() == null ? null : mask(r.common().when().source().trim());
        return new Plan.Action(r.kind(), r.common().on(), String.join("; ", Actions.describe(r, this, here)), when);
    }

    /** A template as it would run, secrets masked; values known only at run time left as written. */
    String render(Text text, PlanScope s, boolean shell) {
        if (text == null) {
            return null;
        }
        try {
            RenderOptions o = shell ? s.options().forShell() : s.options().forText();
            return mask(Expressions.template(text).render(roots(s), o, deferred(s)));
        } catch (ExpressionException e) {
            return mask(text.source()) + "   [cannot render: " + mask(e.getMessage()) + "]";
        }
    }

    private String renderRaw(Text text, PlanScope s) {
        return Expressions.template(text).render(roots(s), new RenderOptions(false, Set.of(), Set.of(), false),
                deferred(s));
    }

    /** Roots known only during the run here: facts and steps, and the host of a fleet (one value per host). */
    private static Set<String> deferred(PlanScope s) {
        return s.target() instanceof Target.Ssh ssh && ssh.fleet() ? FLEET : OFFLINE;
    }

    /** A duration as written, or its template rendered; a number of milliseconds is shown as a duration. */
    String duration(DurationSpec d, PlanScope s) {
        if (d == null) {
            return null;
        }
        if (d.literal() != null) {
            return d.toString();
        }
        String rendered = render(d.template(), s, false);
        return rendered.matches("[0-9]{1,18}")
                ? dev.runbook.model.Durations.format(java.time.Duration.ofMillis(Long.parseLong(rendered))) : rendered;
    }

    String mask(String text) {
        return masker.mask(text);
    }

    /** The expression as shown, secrets masked. */
    String expression(Expr e) {
        return mask(e.source().trim());
    }

}
