package dev.runbook.plan;

import dev.runbook.model.Check;
import dev.runbook.model.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Says, one line per action, what a step of each kind would do. */
final class Actions {

    private Actions() {
    }

    static List<String> describe(Step step, Planner p, PlanScope s) {
        List<String> out = new ArrayList<>();
        if (step instanceof Step.Run r) {
            out.add("run: " + p.render(r.command(), s, true));
        } else if (step instanceof Step.Assert a) {
            out.add("assert: " + p.expression(a.that()) + message(step, p));
        } else if (step instanceof Step.Wait w) {
            out.add("wait until " + p.expression(w.until()) + ", every " + p.duration(w.every(), s) + ", within "
                    + p.duration(w.within(), s));
        } else if (step instanceof Step.Http h) {
            for (Step.HttpRequest q : h.requests()) {
                out.add(q.method() + " " + p.render(q.url(), s, false) + expect(h.expect())
                        + (q.body() != null ? " with body " + p.render(q.body(), s, false) : "")
                        + (q.insecure() ? " (TLS not verified)" : ""));
            }
        } else if (step instanceof Step.Approve a) {
            out.add("ask: " + p.render(a.question(), s, false) + message(step, p)
                    + "  [a human answers; or --approve " + step.id() + " / --yes]");
        } else if (step instanceof Step.Monitor m) {
            out.add("watch for " + p.duration(m.duration(), s) + ", every " + p.duration(m.every(), s)
                    + ", acting after " + m.failureLimit() + " failed tick" + (m.failureLimit() == 1 ? "" : "s")
                    + "; rollback triggers are live throughout");
            for (Check c : m.checks()) {
                out.add("check: " + p.mask(c.label()) + (c.name() != null ? " (" + p.expression(c.that()) + ")" : ""));
            }
        } else if (step instanceof Step.Notify n) {
            out.add("POST to " + p.render(n.webhook(), s, false)
                    + (n.template() != null ? " the template " + n.template() : "")
                    + (n.message() != null ? (n.template() != null ? " and" : "") + " the message: "
                    + p.render(n.message(), s, false) : ""));
        } else if (step instanceof Step.Upload u) {
            out.add("upload " + p.render(u.from(), s, false) + " -> " + p.render(u.to(), s, false)
                    + (u.mode() != null ? " (" + u.mode() + ")" : ""));
        } else if (step instanceof Step.Download d) {
            out.add("download " + p.render(d.from(), s, false) + " -> " + p.render(d.to(), s, false));
        } else if (step instanceof Step.Group g) {
            out.add("group of " + g.steps().size() + " steps: " + g.steps().stream().map(Step::id)
                    .collect(Collectors.joining(", ")));
        } else if (step instanceof Step.Include inc) {
            out.add("include " + inc.path() + " (fragment " + inc.fragment().name() + ")"
                    + (inc.with().isEmpty() ? "" : " with " + inc.with().entrySet().stream()
                    .map(e -> e.getKey() + "=" + p.render(e.getValue(), s, false)).collect(Collectors.joining(", "))));
        }
        return out;
    }

    private static String message(Step step, Planner p) {
        String m = step.common().message();
        return m == null ? "" : " — " + p.mask(m);
    }

    private static String expect(Step.HttpExpect e) {
        String status = e.status().isEmpty() ? "2xx" : e.status().stream().map(String::valueOf)
                .collect(Collectors.joining(" or "));
        return ", expecting " + status + (e.contains() != null ? " and a body containing '" + e.contains() + "'" : "");
    }
}
