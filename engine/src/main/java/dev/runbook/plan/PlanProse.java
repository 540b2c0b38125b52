package dev.runbook.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The plan as prose, for a reviewer who does not read YAML ({@code runbook explain}): what the runbook deploys and
 * where, what it checks before anything changes, its steps in sentences, when it rolls back by itself and what
 * counts as success. It reads only the {@link Plan}, so secrets are masked as in the plan.
 */
public final class PlanProse {

    private static final Pattern WATCH = Pattern.compile(
            "watch for (.+?), every (.+?), acting after (\\d+) failed ticks?; rollback triggers are live throughout");
    private static final Pattern ASK = Pattern.compile("ask: (.*?)  \\[a human answers.*]$");

    private final StringBuilder out = new StringBuilder();
    private final Plan plan;

    private PlanProse(Plan plan) {
        this.plan = plan;
    }

    /** The plan in words. */
    public static String render(Plan plan) {
        return new PlanProse(plan).write();
    }

    private String write() {
        line(plan.runbook() + (plan.description() != null ? ": " + sentence(plan.description()) : ""));
        blank();
        paragraph(what());
        if (!plan.preconditions().isEmpty()) {
            line("Before anything changes, it checks that:");
            plan.preconditions().forEach(c -> line("  - " + check(c, "otherwise it stops before changing anything")));
            blank();
        }
        line("Then, in order:");
        plan.steps().forEach(this::step);
        blank();
        if (plan.triggers().isEmpty()) {
            line("It rolls back by itself only when a step fails or an approval is refused: it has no rollback"
                    + " triggers.");
        } else {
            line("It rolls back by itself when a step fails, an approval is refused, or:");
            for (Plan.Trigger t : plan.triggers()) {
                line("  - " + t.name() + ": `" + t.expression() + "`"
                        + (t.armedAfter() != null ? ", checked once step " + t.armedAfter() + " is done"
                        : ", checked from the start") + (t.message() != null ? " (" + t.message() + ")" : ""));
            }
            line("Rolling back undoes the completed steps in reverse order, each as its step says above.");
        }
        blank();
        if (plan.success().isEmpty()) {
            line("It succeeded when every step is done: it has no success checks.");
        } else {
            line("It succeeded when:");
            plan.success().forEach(c -> line("  - " + check(c, "otherwise the run counts as failed")));
        }
        return out.toString();
    }

    /** The opening paragraph: where it works and with which values. */
    private String what() {
        StringBuilder p = new StringBuilder();
        List<String> places = plan.targets().stream().filter(t -> !t.kind().equals("local")).map(this::target)
                .toList();
        p.append(places.isEmpty() ? "It works on this machine only." : "It works on " + and(places) + ".");
        List<String> given = plan.params().stream().filter(x -> !x.secret() && !x.source().equals("default")
                        && !x.source().isEmpty()).map(x -> x.name() + " " + x.value()).toList();
        if (!given.isEmpty()) {
            p.append(" The values given for this run: ").append(String.join(", ", given)).append('.');
        }
        List<String> missing = plan.params().stream().filter(x -> !x.secret() && x.value().equals("(none)"))
                .map(Plan.Param::name).toList();
        if (!missing.isEmpty()) {
            p.append(" Not given yet: ").append(String.join(", ", missing)).append('.');
        }
        List<String> secrets = plan.params().stream().filter(Plan.Param::secret).map(Plan.Param::name).toList();
        if (!secrets.isEmpty()) {
            p.append(" Secrets (").append(String.join(", ", secrets)).append(") are never shown: they read ")
                    .append(dev.runbook.secret.Masker.MASK).append(" below.");
        }
        return p.toString();
    }

    /** A target in words: "the app host deploy@app1 over SSH", "a fleet of 20 hosts rolled ...". */
    private String target(Plan.Target t) {
        List<String> hosts = t.hosts();
        if (t.kind().equals("ssh")) {
            Plan.Fleet fleet = plan.steps().stream().filter(s -> t.name().equals(s.target()) && s.fleet() != null)
                    .map(Plan.Step::fleet).filter(f -> !f.once()).findFirst().orElse(null);
            if (fleet == null && hosts.size() == 1 && !hosts.get(0).startsWith("@")) {
                return "the " + t.name() + " host " + hosts.get(0) + " over SSH";
            }
            String which = hosts.size() == 1 ? hosts.get(0) : "a fleet of " + hosts.size() + " hosts ("
                    + String.join(", ", hosts) + ")";
            return "the " + t.name() + " fleet, " + which + " over SSH"
                    + (fleet != null ? ", rolled " + fleet.rollout() : "");
        }
        if (t.kind().equals("docker")) {
            return "the Docker target " + t.name() + ", at " + String.join(", ", hosts);
        }
        return "the " + t.name() + " target (" + t.kind() + ": " + String.join(", ", hosts) + ")";
    }

    /** A precondition or success check: its name, expression, message and what the dry run already knows. */
    private static String check(Plan.Check c, String otherwise) {
        String text = c.name().equals(c.expression()) ? "`" + c.expression() + "`"
                : c.name() + " (`" + c.expression() + "`)";
        if (c.message() != null) {
            text += "; " + otherwise + ": " + c.message();
        }
        if (c.status().equals("fails")) {
            text += " [with these values this already fails]";
        }
        return text;
    }

    private void step(Plan.Step s) {
        String indent = "  " + "   ".repeat(s.depth());
        List<String> sentences = new ArrayList<>();
        String where = s.target() == null || s.target().equals("local") || !onTarget(s.kind()) ? ""
                : "On " + s.target() + ", ";
        List<String> actions = new ArrayList<>(s.actions());
        if (s.guard() != null) {
            sentences.add("Only when `" + s.guard().expression() + "`"
                    + (s.guard().status().equals("fails") ? " (with these values it is skipped)" : "") + ".");
        }
        String image = actions.stream().filter(a -> a.startsWith("records the image")).findFirst().orElse(null);
        if (image != null) {
            actions.remove(image);
            sentences.add("It " + image + ".");
        }
        String first = actions.isEmpty() ? "" : actions.remove(0);
        Matcher watch = WATCH.matcher(first);
        if (watch.matches()) {
            sentences.add("For " + watch.group(1) + " it watches, every " + watch.group(2) + ", that: "
                    + actions.stream().map(a -> a.replaceFirst("^check: ", "")).collect(Collectors.joining("; "))
                    + ". After " + watch.group(3) + " failed round" + (watch.group(3).equals("1") ? "" : "s")
                    + " it rolls back, and the rollback triggers are checked on every round.");
            actions.clear();
        } else if (!first.isEmpty()) {
            String does = does(first);
            sentences.add(does.startsWith("It stops") ? does : capital(where + "it " + does) + ".");
        }
        actions.forEach(a -> sentences.add("It also " + does(a) + "."));
        if (s.fleet() != null) {
            sentences.add(s.fleet().once() ? "It runs " + s.fleet().rollout() + "."
                    : "It goes over " + s.fleet().hosts().size() + " host" + (s.fleet().hosts().size() == 1 ? "" : "s")
                    + ", " + s.fleet().rollout() + ".");
        }
        List<String> onFailure = new ArrayList<>();
        if (s.retries() > 0) {
            onFailure.add("it retries " + times(s.retries()) + (s.delay() != null ? ", " + s.delay() + " apart" : ""));
        }
        if (s.continueOnError()) {
            onFailure.add("the run goes on anyway");
        }
        if (!onFailure.isEmpty()) {
            sentences.add("If that fails " + String.join("; if it still fails ", onFailure) + ".");
        }
        if (s.timeout() != null) {
            sentences.add("It is given " + s.timeout() + " at most.");
        }
        if (!s.rollback().isEmpty()) {
            sentences.add("If the run rolls back later, it undoes this by " + s.rollback().stream()
                    .map(this::undo).collect(Collectors.joining(", then ")) + ".");
        }
        if (s.irreversible()) {
            sentences.add("This cannot be undone.");
        }
        line(indent + s.number() + ". " + s.label() + ". " + String.join(" ", sentences));
    }

    /** A rollback action as a phrase: "running `...` on app", "only when `...`". */
    private String undo(Plan.Action a) {
        String where = a.target() == null || a.target().equals("local") || !onTarget(a.kind()) ? ""
                : " on " + a.target();
        return gerund(does(a.action())) + where + (a.when() != null ? " (only when `" + a.when() + "`)" : "");
    }

    /** An action line of the plan as a verb phrase: "runs `...`", "checks that ...". */
    private static String does(String action) {
        Matcher ask = ASK.matcher(action);
        if (ask.matches()) {
            return "It stops and asks: " + ask.group(1);
        }
        Map<String, String> prefixes = Map.of("run: ", "runs `%s`",
                "POST to ", "notifies: POST to %s", "email ", "emails %s", "exec in ", "runs in %s");
        for (var e : prefixes.entrySet()) {
            if (action.startsWith(e.getKey())) {
                String rest = action.substring(e.getKey().length());
                return e.getValue().replace("%s", rest);
            }
        }
        if (action.startsWith("assert: ")) {
            String[] parts = action.substring("assert: ".length()).split(" — ", 2);
            return "checks that `" + parts[0] + "`" + (parts.length > 1 ? ", else it fails: " + parts[1] : "");
        }
        if (action.startsWith("compose ")) {
            return "runs Compose: " + action.substring("compose ".length());
        }
        if (action.startsWith("include ")) {
            return "runs the steps of " + action.substring("include ".length()) + ", as follows";
        }
        if (action.startsWith("wait until ")) {
            return "waits until " + action.substring("wait until ".length());
        }
        if (action.matches("^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) .*")) {
            return "sends " + action;
        }
        if (action.startsWith("group of ")) {
            return "runs a " + action + ", as follows";
        }
        return "does: " + action;
    }

    /** "runs `x`" as "running `x`". */
    private static String gerund(String phrase) {
        int space = phrase.indexOf(' ');
        String verb = space < 0 ? phrase : phrase.substring(0, space);
        String rest = space < 0 ? "" : phrase.substring(space);
        return switch (verb) {
            case "runs" -> "running" + rest;
            case "checks" -> "checking" + rest;
            case "notifies:" -> "notifying:" + rest;
            case "emails" -> "emailing" + rest;
            case "sends" -> "sending" + rest;
            case "waits" -> "waiting" + rest;
            default -> phrase.startsWith("It stops") ? "asking" + phrase.substring("It stops and asks".length())
                    : "doing: " + phrase.replaceFirst("^does: ", "");
        };
    }

    /** Whether a step of this kind runs on its target (rather than from this machine). */
    private static boolean onTarget(String kind) {
        return !List.of("assert", "wait", "approve", "monitor", "notify", "http", "group", "include").contains(kind);
    }

    private static String times(int n) {
        return switch (n) {
            case 1 -> "once";
            case 2 -> "twice";
            default -> n + " times";
        };
    }

    private static String and(List<String> items) {
        return items.size() == 1 ? items.get(0)
                : String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String sentence(String s) {
        String t = s.strip();
        return t.endsWith(".") || t.endsWith("?") || t.endsWith("!") ? t : t + ".";
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void paragraph(String text) {
        line(text);
        blank();
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private void blank() {
        out.append('\n');
    }
}
