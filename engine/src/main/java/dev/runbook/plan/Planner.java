package dev.runbook.plan;

import dev.runbook.expr.CompiledExpression;
import dev.runbook.expr.ExpressionException;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.expr.Values;
import dev.runbook.model.Check;
import dev.runbook.model.DurationSpec;
import dev.runbook.model.Expr;
import dev.runbook.model.Fact;
import dev.runbook.model.Param;
import dev.runbook.model.ParamValues;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.model.Trigger;
import dev.runbook.secret.Masker;
import dev.runbook.vars.BoundParams;
import java.util.ArrayList;
import java.util.HashMap;
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

    private final Runbook runbook;
    private final BoundParams params;
    private final Masker masker;
    private final RenderOptions options;
    private final Map<String, Object> env;
    private final List<Plan.Step> out = new ArrayList<>();

    private Planner(Runbook runbook, BoundParams params, Map<String, String> environment) {
        this.runbook = runbook;
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
        return new Planner(runbook, params, environment).plan(notes);
    }

    private Plan plan(List<String> notes) {
        PlanScope top = new PlanScope(params.values(), null, options);
        List<Plan.Param> ps = runbook.params().values().stream().map(this::param).toList();
        List<Plan.Target> ts = runbook.targets().values().stream().map(t -> target(t, top)).toList();
        List<Plan.Check> pre = runbook.preconditions().stream().map(c -> check(c, top)).toList();
        steps(runbook.steps(), "", 0, top);
        List<Plan.Trigger> triggers = runbook.rollbackOn().stream().map(t -> trigger(t, top)).toList();
        List<Plan.Check> success = runbook.success().stream().map(c -> check(c, top)).toList();
        return new Plan(runbook.name(), mask(runbook.description()), String.valueOf(runbook.file()), true, notes, ps, ts,
                pre, List.copyOf(out), triggers, success);
    }

    private Map<String, Object> roots(PlanScope s) {
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", s.params());
        roots.put("env", env);
        roots.put("run", Map.of("id", "dry-run", "start", System.currentTimeMillis(), "dry", true, "runbook",
                runbook.name()));
        if (s.target() != null) {
            roots.put("target", Map.of("name", s.target().name(), "kind", s.target().kind(), "host",
                    hosts(s.target(), s).stream().findFirst().orElse("localhost")));
        }
        return roots;
    }

    private Plan.Param param(Param p) {
        Object v = params.values().get(p.name());
        String shown = p.secret() && v != null ? Masker.MASK : v == null ? "(none)" : Values.text(v);
        if (v != null && p.type() == dev.runbook.model.ParamType.DURATION && p.defaultValue() != null
                && "default".equals(params.sources().get(p.name()))) {
            shown = String.valueOf(p.defaultValue());
        }
        return new Plan.Param(p.name(), p.type().keyword(), mask(shown), params.sources().getOrDefault(p.name(), ""),
                p.secret());
    }

    private Plan.Target target(Target t, PlanScope s) {
        return new Plan.Target(t.name(), t.kind(), hosts(t, s), t.description());
    }

    private List<String> hosts(Target t, PlanScope s) {
        if (t instanceof Target.Ssh ssh) {
            return ssh.hosts().stream().map(h -> render(h, s, false)).toList();
        }
        if (t instanceof Target.Docker d) {
            return List.of(render(d.url(), s, false));
        }
        return List.of("localhost");
    }

    private Plan.Check check(Check c, PlanScope s) {
        Plan.Check e = evaluate(c.that(), s);
        return new Plan.Check(mask(c.label()), e.expression(), e.status(), e.detail());
    }

    private Plan.Trigger trigger(Trigger t, PlanScope s) {
        Plan.Check e = evaluate(t.when(), s);
        return new Plan.Trigger(mask(t.name()), e.expression(), t.armedAfter(), e.status(), e.detail());
    }

    /** Evaluates a condition when it reads nothing that exists only at run time. */
    private Plan.Check evaluate(Expr expr, PlanScope s) {
        String src = mask(expr.source().trim());
        CompiledExpression c = Expressions.compile(expr);
        List<String> waits = c.references().stream().filter(r -> OFFLINE.contains(r.get(0)))
                .map(r -> String.join(".", r.subList(0, Math.min(2, r.size())))).distinct().toList();
        if (!waits.isEmpty()) {
            boolean facts = waits.stream().anyMatch(w -> w.startsWith("facts"));
            String why = facts ? "reads " + String.join(", ", waits) + ": facts are not collected (offline)"
                    : "decided during the run: reads " + String.join(", ", waits);
            return new Plan.Check(null, src, "not evaluated", why);
        }
        try {
            boolean holds = c.test(roots(s));
            return new Plan.Check(null, src, holds ? "holds" : "fails", "");
        } catch (ExpressionException e) {
            return new Plan.Check(null, src, "error", mask(e.getMessage()));
        }
    }

    private void steps(List<Step> steps, String prefix, int depth, PlanScope scope) {
        for (int i = 0; i < steps.size(); i++) {
            step(steps.get(i), prefix + (i + 1), depth, scope);
        }
    }

    private void step(Step step, String number, int depth, PlanScope outer) {
        var c = step.common();
        Target t = runbook.targets().get(c.on());
        PlanScope s = new PlanScope(outer.params(), t, options);
        Plan.Check guard = c.when() == null ? null : evaluate(c.when(), s);
        Map<String, String> outputs = new LinkedHashMap<>();
        c.outputs().forEach((k, v) -> outputs.put(k, render(v, s, false)));
        List<Plan.Action> rollback = c.rollback().stream().map(r -> action(r, s)).toList();
        out.add(new Plan.Step(number, c.id(), mask(c.label()), step.kind(), c.on(), depth, mask(c.description()),
                Actions.describe(step, this, s), guard, duration(c.timeout(), s), c.retries(), duration(c.delay(), s),
                c.irreversible(), c.continueOnError(), outputs, rollback));
        if (step instanceof Step.Group g) {
            steps(g.steps(), number + ".", depth + 1, outer);
        } else if (step instanceof Step.Include inc) {
            steps(inc.fragment().steps(), number + ".", depth + 1, new PlanScope(fragmentParams(inc, s), null, options));
        }
    }

    private Map<String, Object> fragmentParams(Step.Include inc, PlanScope s) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : inc.fragment().params().values()) {
            Object raw = inc.with().containsKey(p.name()) ? renderRaw(inc.with().get(p.name()), s) : p.defaultValue();
            if (raw != null) {
                ParamValues.Result r = ParamValues.coerce(p.type(), raw);
                values.put(p.name(), r.ok() ? r.value() : raw);
            }
        }
        return values;
    }

    private Plan.Action action(Step r, PlanScope s) {
        Target t = runbook.targets().get(r.common().on());
        PlanScope here = new PlanScope(s.params(), t, options);
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
            return mask(Expressions.template(text).render(roots(s), o, OFFLINE));
        } catch (ExpressionException e) {
            return mask(text.source()) + "   [cannot render: " + mask(e.getMessage()) + "]";
        }
    }

    private String renderRaw(Text text, PlanScope s) {
        return Expressions.template(text).render(roots(s), new RenderOptions(false, Set.of(), Set.of(), false), OFFLINE);
    }

    String duration(DurationSpec d, PlanScope s) {
        if (d == null) {
            return null;
        }
        return d.literal() != null ? d.toString() : render(d.template(), s, false);
    }

    String mask(String text) {
        return masker.mask(text);
    }

    /** The expression as shown, secrets masked. */
    String expression(Expr e) {
        return mask(e.source().trim());
    }

}
