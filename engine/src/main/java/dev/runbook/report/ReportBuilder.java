package dev.runbook.report;

import dev.runbook.exec.RunHistory;
import dev.runbook.exec.RunStore;
import dev.runbook.journal.Event;
import dev.runbook.journal.EventType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Reads a {@link RunHistory} into a {@link RunReport}, event by event. */
final class ReportBuilder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunHistory history;
    private final Map<String, Event> started = new LinkedHashMap<>();
    private final Map<String, RunReport.Step> steps = new LinkedHashMap<>();
    private final Map<String, List<RunReport.Host>> hosts = new LinkedHashMap<>();
    private final List<RunReport.Check> preconditions = new ArrayList<>();
    private final List<RunReport.Check> successChecks = new ArrayList<>();
    private final List<RunReport.Trigger> triggers = new ArrayList<>();
    private final Map<String, RunReport.Fact> facts = new LinkedHashMap<>();
    private final Map<String, RunReport.Approval> approvals = new LinkedHashMap<>();
    private final List<RunReport.Action> actions = new ArrayList<>();
    private String rollbackReason;
    private Event rollbackFinished;
    private int resumes;

    private ReportBuilder(RunHistory history) {
        this.history = history;
    }

    static RunReport build(RunHistory history, Path journal) {
        ReportBuilder b = new ReportBuilder(history);
        history.events().forEach(b::read);
        return b.report(journal);
    }

    @SuppressWarnings("unchecked")
    private void read(Event e) {
        Map<String, Object> d = e.data();
        switch (e.type()) {
            case EventType.RUN_RESUMED -> resumes++;
            case EventType.STEP_STARTED -> started.put(e.step(), e);
            case EventType.STEP_FINISHED -> steps.put(e.step(), step(e.step(), d));
            case EventType.STEP_HOST -> hosts.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(new RunReport.Host(
                    e.text("host"), e.text("status"), number(d.get("duration_ms")), integer(d.get("exit_code")),
                    e.text("error"), !Boolean.FALSE.equals(d.get("reached"))));
            case EventType.PRECONDITION -> preconditions.add(check(d));
            case EventType.SUCCESS -> successChecks.add(check(d));
            case EventType.TRIGGER_FIRED -> triggers.add(new RunReport.Trigger(e.text("trigger"), e.text("when"),
                    e.step(), e.text("message"), values(d)));
            case EventType.FACT_COLLECTED -> {
                RunReport.Fact before = facts.remove(e.text("fact"));
                facts.put(e.text("fact"), new RunReport.Fact(e.text("fact"), e.text("kind"),
                        d.containsKey("value") ? text(d.get("value")) : null, e.text("error"), e.time(),
                        before == null ? 1 : before.times() + 1));
            }
            case EventType.APPROVAL_REQUESTED -> approvals.put(e.step(),
                    new RunReport.Approval(e.step(), e.text("question"), null));
            case EventType.APPROVAL_GIVEN -> answer(e.step(), "approved by " + e.text("by"));
            case EventType.APPROVAL_REFUSED -> answer(e.step(), "refused");
            case EventType.ROLLBACK_STARTED -> rollbackReason = e.text("reason");
            case EventType.ROLLBACK_ACTION -> actions.add(new RunReport.Action(e.step(), (int) number(d.get("action")),
                    e.text("host"), e.text("kind"), e.text("status"), number(d.get("duration_ms")), e.text("error"),
                    e.text("when")));
            case EventType.ROLLBACK_FINISHED -> rollbackFinished = e;
            default -> { }
        }
    }

    private RunReport report(Path journal) {
        Event first = history.started();
        Event last = history.events().get(history.events().size() - 1);
        String status = history.finished() == null ? null : history.finished().text("status");
        String message = history.finished() == null
                ? "the journal ends without run.finished: the run was killed, or is still running"
                : history.finished().text("message");
        @SuppressWarnings("unchecked")
        Map<String, Object> params = first.get("params") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new RunReport(first.text("runbook"), history.runId(), first.text("file"), first.text("user"),
                first.time(), last.time(), status, message, params, resumes, steps(status), preconditions,
                successChecks, triggers, List.copyOf(facts.values()), List.copyOf(approvals.values()), rollback(),
                next(status, journal));
    }

    /** Every step that started, in order; one that never ended is unfinished (or waits for its approval). */
    private List<RunReport.Step> steps(String status) {
        List<RunReport.Step> out = new ArrayList<>();
        for (String id : started.keySet()) {
            RunReport.Step s = steps.get(id);
            if (s == null) {
                boolean asked = approvals.containsKey(id) && approvals.get(id).answer() == null;
                String why = !asked ? "unfinished" : "awaiting_approval".equals(status) ? status : "unanswered";
                s = step(id, Map.of("status", why, "attempts", 0));
            }
            out.add(s);
        }
        return out;
    }

    private RunReport.Step step(String id, Map<String, Object> d) {
        Event start = started.get(id);
        return new RunReport.Step(id, start == null ? null : start.text("name"),
                start == null ? null : start.text("kind"), start == null ? null : start.text("target"),
                String.valueOf(d.get("status")), number(d.get("duration_ms")), (int) number(d.get("attempts")),
                integer(d.get("exit_code")), (String) d.get("error"), (String) d.get("stderr"),
                List.copyOf(hosts.getOrDefault(id, List.of())));
    }

    private RunReport.Rollback rollback() {
        if (rollbackReason == null && actions.isEmpty()) {
            return null;
        }
        Event f = rollbackFinished;
        return new RunReport.Rollback(rollbackReason, f == null ? null : Boolean.TRUE.equals(f.get("complete")),
                actions, f == null ? List.of() : strings(f.get("failed")), f == null ? null : f.text("irreversible"),
                f == null ? List.of() : strings(f.get("not_rolled_back")));
    }

    /** The commands that continue a stopped run, with the state directory when it is not the default one. */
    private List<String> next(String status, Path journal) {
        if (status != null && RunHistory.FINAL.contains(status)) {
            return List.of();
        }
        String run = history.runId();
        Path state = journal.toAbsolutePath().normalize().getParent().getParent().getParent();
        String where = state.equals(RunStore.defaultDir(history.runbookFile()).normalize()) ? ""
                : " --state-dir " + state;
        List<String> out = new ArrayList<>();
        approvals.values().stream().filter(a -> a.answer() == null).forEach(a ->
                out.add("runbook resume " + run + " --approve " + a.step() + where));
        if (out.isEmpty()) {
            out.add("runbook resume " + run + where);
        }
        out.add("runbook rollback " + run + where);
        return out;
    }

    private void answer(String step, String answer) {
        RunReport.Approval asked = approvals.get(step);
        approvals.put(step, new RunReport.Approval(step, asked == null ? null : asked.question(), answer));
    }

    private static RunReport.Check check(Map<String, Object> d) {
        return new RunReport.Check(String.valueOf(d.get("name")), Boolean.TRUE.equals(d.get("holds")),
                (String) d.get("detail"), (String) d.get("message"), values(d));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(Map<String, Object> d) {
        return d.get("values") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return list instanceof List<?> l ? (List<String>) l : List.of();
    }

    /** A value as one line of text: a map or a list as JSON. */
    static String text(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return JSON.writeValueAsString(value);
        }
        return String.valueOf(value);
    }

    private static long number(Object n) {
        return n instanceof Number v ? v.longValue() : 0;
    }

    private static Integer integer(Object n) {
        return n instanceof Number v ? v.intValue() : null;
    }
}
