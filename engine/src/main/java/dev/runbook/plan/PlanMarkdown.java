package dev.runbook.plan;

import java.util.List;

/** The plan as Markdown, for pasting into a review. */
public final class PlanMarkdown {

    private final StringBuilder out = new StringBuilder();

    private PlanMarkdown() {
    }

    public static String render(Plan plan) {
        return new PlanMarkdown().write(plan);
    }

    private String write(Plan p) {
        line("# Plan: " + p.runbook());
        if (p.description() != null) {
            line("");
            line(p.description());
        }
        line("");
        line("File: `" + p.file() + "`");
        p.notes().forEach(n -> line("> " + n));
        line("");
        line("## Params");
        line("");
        line("| param | type | value | from |");
        line("|---|---|---|---|");
        p.params().forEach(x -> line("| " + x.name() + " | " + x.type() + " | " + code(x.value()) + " | " + cell(x.source())
                + (x.secret() ? " (secret)" : "") + " |"));
        line("");
        line("## Targets");
        line("");
        p.targets().forEach(t -> line("- **" + t.name() + "** (" + t.kind() + "): " + String.join(", ", t.hosts())));
        line("");
        checks("Preconditions", p.preconditions());
        line("## Steps");
        line("");
        for (Plan.Step s : p.steps()) {
            step(s);
        }
        line("## Rollback triggers");
        line("");
        line("| trigger | when | armed after | dry run |");
        line("|---|---|---|---|");
        p.triggers().forEach(t -> line("| " + cell(t.name()) + " | " + code(t.expression()) + " | "
                + (t.armedAfter() == null ? "start" : t.armedAfter()) + " | " + cell(PlanText.triggerStatus(t.status())
                + (t.detail().isEmpty() ? "" : ": " + t.detail())) + " |"));
        line("");
        checks("Success checks", p.success());
        line("**Summary:** " + p.summary());
        return out.toString();
    }

    private void step(Plan.Step s) {
        String indent = "  ".repeat(s.depth());
        line(indent + "- **" + s.number() + ". " + (s.id() != null ? s.id() : s.kind()) + "**"
                + (s.label().equals(s.id()) ? "" : " — " + s.label()) + " · `" + s.kind() + "` on `" + s.target() + "`"
                + (s.irreversible() ? " · **irreversible**" : ""));
        String in = indent + "  ";
        if (s.description() != null) {
            line(in + "- " + s.description());
        }
        if (s.guard() != null) {
            line(in + "- when " + code(s.guard().expression()) + ": " + s.guard().status()
                    + (s.guard().status().equals("fails") ? ", so the step will be skipped" : "")
                    + (s.guard().detail().isEmpty() ? "" : " (" + s.guard().detail() + ")"));
        }
        s.actions().forEach(a -> line(in + "- " + code(a)));
        if (s.fleet() != null) {
            line(in + "- on " + s.fleet().hosts().size() + (s.fleet().hosts().size() == 1 ? " entry: " : " hosts: ")
                    + String.join(", ", s.fleet().hosts().stream().map(PlanMarkdown::code).toList()));
            line(in + "- " + s.fleet().rollout());
        }
        if (s.timeout() != null || s.retries() > 0) {
            line(in + "- " + (s.timeout() != null ? "timeout " + s.timeout() : "")
                    + (s.retries() > 0 ? " retries " + s.retries() : ""));
        }
        s.outputs().forEach((k, v) -> line(in + "- output `" + k + "` = " + code(v)));
        if (!s.rollback().isEmpty()) {
            line(in + "- rollback:");
            s.rollback().forEach(a -> line(in + "  1. on `" + a.target() + "`" + (a.when() != null ? " when "
                    + code(a.when()) : "") + ": " + code(a.action())));
        }
    }

    private void checks(String title, List<Plan.Check> checks) {
        line("## " + title);
        line("");
        line("| check | expression | dry run |");
        line("|---|---|---|");
        checks.forEach(c -> line("| " + cell(c.name()) + " | " + code(c.expression()) + " | " + cell(c.status()
                + (c.detail().isEmpty() ? "" : ": " + c.detail())) + " |"));
        line("");
    }

    private static String code(String s) {
        String t = s.replace("\n", " ");
        String fence = t.contains("`") ? "``" : "`";
        return fence + (t.startsWith("`") ? " " : "") + t.replace("|", "\\|") + (t.endsWith("`") ? " " : "") + fence;
    }

    private static String cell(String s) {
        return s.replace("\n", " ").replace("|", "\\|");
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
