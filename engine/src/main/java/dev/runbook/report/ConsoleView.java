package dev.runbook.report;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import dev.runbook.journal.EventType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run as an operator watches it: each step as it starts and ends, with status and duration, command output
 * indented under it, decisions (guards, triggers, approvals, rollback actions), and at the end a summary table and
 * the verdict. Plain lines, so it reads the same on a terminal, in CI logs and in a pipe.
 */
public final class ConsoleView implements EventSink {

    private final PrintWriter out;
    private final boolean quiet;
    private final List<String[]> rows = new ArrayList<>();

    /** @param quiet without command output and per-check lines */
    public ConsoleView(PrintWriter out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void accept(Event e) {
        Map<String, Object> d = e.data();
        switch (e.type()) {
            case EventType.RUN_STARTED -> line("run " + e.run() + " of " + d.get("runbook") + " started");
            case EventType.RUN_RESUMED -> line("run " + e.run() + " resumed"
                    + (Boolean.TRUE.equals(d.get("rollback")) ? " to roll back" : ""));
            case EventType.PRECONDITION -> line("  " + mark(Boolean.TRUE.equals(d.get("holds")) ? "ok" : "failed")
                    + " precondition: " + d.get("name") + detail(d));
            case EventType.STEP_STARTED -> line("  -> " + e.step() + (d.get("name") != null ? " — " + d.get("name") : "")
                    + " [" + d.get("kind") + " on " + d.get("target")
                    + (d.get("hosts") != null ? ", " + d.get("hosts") + " hosts" : "") + "]");
            case EventType.STEP_OUTPUT -> {
                if (!quiet) {
                    line("     | " + (d.get("host") != null ? d.get("host") + ": " : "") + d.get("line"));
                }
            }
            case EventType.STEP_HOST -> {
                String status = String.valueOf(d.get("status"));
                if (!quiet || !status.equals("ok")) {
                    line("     " + mark(status) + " " + e.step() + " on " + d.get("host") + " " + status + " in "
                            + seconds(d.get("duration_ms")) + (d.get("error") != null ? ": " + d.get("error") : ""));
                }
            }
            case EventType.ROLLOUT_BATCH -> line("  == " + d.get("target") + " batch " + d.get("batch") + " of "
                    + d.get("of") + ": " + String.join(", ", (List<String>) d.get("hosts")));
            case EventType.HOST_DROPPED -> line("  !! host " + d.get("host") + " left the run (" + d.get("reason")
                    + "); " + (Boolean.TRUE.equals(d.get("rolled_back")) ? "it was rolled back"
                    : "its rollback is INCOMPLETE"));
            case EventType.STEP_RETRYING -> line("     retrying (" + d.get("attempt") + " of " + d.get("of") + ") in "
                    + seconds(d.get("delay_ms")) + ": " + d.get("error"));
            case EventType.STEP_FINISHED -> finished(e);
            case EventType.APPROVAL_REQUESTED -> line("     approval needed: " + d.get("question"));
            case EventType.APPROVAL_GIVEN -> line("     approved by " + d.get("by"));
            case EventType.APPROVAL_REFUSED -> line("     approval REFUSED");
            case EventType.TRIGGER_FIRED -> line("  !! rollback trigger fired: " + d.get("trigger") + " (" + d.get("when")
                    + ") with " + d.get("values") + (d.get("message") != null ? ": " + d.get("message") : ""));
            case "monitor.tick" -> {
                if (!quiet) {
                    line("     tick " + d.get("tick") + ": " + d.get("checks"));
                }
            }
            case EventType.ROLLBACK_STARTED -> line("  <- rolling back: " + d.get("reason"));
            case EventType.ROLLBACK_ACTION -> line("     " + mark(String.valueOf(d.get("status"))) + " rollback of "
                    + e.step() + (d.get("host") != null ? " on " + d.get("host") : "") + ", action " + d.get("action") + (d.get("error") != null ? ": " + d.get("error") : ""));
            case EventType.ROLLBACK_FINISHED -> line("  rollback " + (Boolean.TRUE.equals(d.get("complete"))
                    ? "complete" : "INCOMPLETE"));
            case EventType.SUCCESS -> line("  " + mark(Boolean.TRUE.equals(d.get("holds")) ? "ok" : "failed")
                    + " success check: " + d.get("name") + detail(d));
            case EventType.RUN_INTERRUPTED -> line("  !! " + d.get("message"));
            case EventType.RUN_FINISHED -> summary(e);
            default -> { }
        }
    }

    private void finished(Event e) {
        Map<String, Object> d = e.data();
        String status = String.valueOf(d.get("status"));
        String took = seconds(d.get("duration_ms"));
        line("  " + mark(status) + " " + e.step() + " " + status + " in " + took
                + (d.get("error") != null ? ": " + d.get("error") : ""));
        if (!status.equals("ok") && !status.equals("skipped") && quiet && d.get("stderr") != null) {
            line("     | " + String.valueOf(d.get("stderr")).replace("\n", "\n     | "));
        }
        rows.add(new String[] {e.step(), status, took});
    }

    private void summary(Event e) {
        if (!rows.isEmpty()) {
            int w = Math.max(4, rows.stream().mapToInt(r -> r[0].length()).max().orElse(4));
            line("");
            line("  " + pad("step", w) + "  " + pad("status", 9) + "  time");
            rows.forEach(r -> line("  " + pad(r[0], w) + "  " + pad(r[1], 9) + "  " + r[2]));
        }
        line("");
        line("verdict: " + String.valueOf(e.get("status")).toUpperCase().replace('_', ' ') + " — " + e.get("message"));
        line("journal: run " + e.run());
    }

    private static String detail(Map<String, Object> d) {
        String s = d.get("detail") != null ? " (" + d.get("detail") + ")" : "";
        return d.get("message") != null ? s + ": " + d.get("message") : s;
    }

    private static String mark(String status) {
        return switch (status) {
            case "ok" -> "[ok]     ";
            case "skipped" -> "[skipped]";
            default -> "[FAILED] ";
        };
    }

    private static String seconds(Object ms) {
        long v = ms instanceof Number n ? n.longValue() : 0;
        return v < 1000 ? v + "ms" : String.format("%.1fs", v / 1000.0);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private void line(String s) {
        out.println(s);
        out.flush();
    }
}
