package dev.runbook.plan;

import dev.runbook.model.Check;
import dev.runbook.model.Containers;
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
            String what = (n.template() != null ? " the template " + n.template() : "")
                    + (n.message() != null ? (n.template() != null ? " and" : "") + " the message: "
                    + p.render(n.message(), s, false) : "");
            String optional = n.required() ? "" : " (a failure does not stop the run)";
            if (n.webhook() != null) {
                out.add("POST to " + p.render(n.webhook().url(), s, false)
                        + (n.webhook().format().equals("json") ? "" : " (" + n.webhook().format() + ")") + what
                        + optional);
            }
            if (n.email() != null) {
                out.add("email " + n.email().to().stream().map(t -> p.render(t, s, false))
                        .collect(Collectors.joining(", ")) + " via " + p.render(n.email().smtp().host(), s, false)
                        + ": " + p.render(n.email().subject(), s, false) + (n.webhook() == null ? what : "")
                        + optional);
            }
        } else if (step instanceof Step.Upload u) {
            out.add("upload " + p.render(u.from(), s, false) + " -> " + p.render(u.to(), s, false)
                    + (u.mode() != null ? " (" + u.mode() + ")" : ""));
        } else if (step instanceof Step.Download d) {
            out.add("download " + p.render(d.from(), s, false) + " -> " + p.render(d.to(), s, false));
        } else if (step instanceof Step.Container c) {
            Containers.Spec spec = c.spec();
            List<String> extra = new ArrayList<>();
            if (!spec.env().isEmpty()) {
                extra.add("env " + String.join(", ", spec.env().keySet()));
            }
            if (!spec.mounts().isEmpty()) {
                extra.add("mounts " + spec.mounts().stream().map(m -> p.render(m, s, false))
                        .collect(Collectors.joining(", ")));
            }
            extra.add("network " + spec.network());
            out.add("container " + p.render(spec.image(), s, false) + ": "
                    + (spec.command() != null ? p.render(spec.command(), s, true) : "the image's own command")
                    + " (" + String.join("; ", extra) + "); removed when it ends");
        } else if (step instanceof Step.Exec e) {
            out.add("exec in " + ref(e.container(), p, s) + ": " + p.render(e.command(), s, true));
        } else if (step instanceof Step.Service sv) {
            out.add(sv.action() + " " + ref(sv.container(), p, s));
        } else if (step instanceof Step.Tag tag) {
            out.add("tag " + p.render(tag.image(), s, false) + " as " + p.render(tag.as(), s, false));
        } else if (step instanceof Step.Pull pull) {
            out.add("pull " + p.render(pull.image(), s, false));
        } else if (step instanceof Step.Compose cp) {
            Containers.Compose c = cp.compose();
            List<String> where = new ArrayList<>();
            where.add("in " + (c.dir() != null ? p.render(c.dir(), s, false) : "the runbook's directory"));
            if (c.project() != null) {
                where.add("project " + p.render(c.project(), s, false));
            }
            if (!c.files().isEmpty()) {
                where.add("files " + c.files().stream().map(f -> p.render(f, s, false))
                        .collect(Collectors.joining(", ")));
            }
            if (!c.env().isEmpty()) {
                where.add("env " + String.join(", ", c.env().keySet()));
            }
            String cli = p.render(c.cli(), s, false);
            out.add("compose " + p.render(c.command(), s, true) + " (" + String.join(", ", where)
                    + (cli.equals(DEFAULT_COMPOSE) ? "" : ", with " + cli) + ")");
        } else if (step instanceof Step.Group g) {
            out.add("group of " + g.steps().size() + " steps: " + g.steps().stream().map(Step::id)
                    .collect(Collectors.joining(", ")));
        } else if (step instanceof Step.Include inc) {
            out.add("include " + inc.path() + " (fragment " + inc.fragment().name() + ")"
                    + (inc.with().isEmpty() ? "" : " with " + inc.with().entrySet().stream()
                    .map(e -> e.getKey() + "=" + p.render(e.getValue(), s, false)).collect(Collectors.joining(", "))));
        }
        Containers.ImageWatch w = step.common().changesImage();
        if (w != null) {
            PlanScope outside = new PlanScope(s.params(), null, s.options());
            out.add("records the image of service " + p.render(w.service().service(), outside, false) + " ("
                    + p.render(w.service().project(), outside, false) + ") on " + w.target()
                    + " first; rolling back restores it");
        }
        return out;
    }

    private static final String DEFAULT_COMPOSE = "docker compose";

    /** A container as the plan shows it: {@code container web-1}, {@code service web of project shop}. */
    private static String ref(Containers.Ref r, Planner p, PlanScope s) {
        return r.name() != null ? "container " + p.render(r.name(), s, false)
                : "service " + p.render(r.service(), s, false) + " of project " + p.render(r.project(), s, false);
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
