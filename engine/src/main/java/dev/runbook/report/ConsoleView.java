package dev.runbook.report;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import dev.runbook.journal.EventType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The run as an operator watches it: each step as it starts and ends, with status and duration, command output
 * indented under it, decisions (guards, triggers, approvals, rollback actions), and at the end a summary table and
 * the verdict. Plain lines, so it reads the same in CI logs and in a pipe; on a terminal {@link LiveConsole} prints
 * the same lines in colour (a {@link Style}) under a live status line.
 */
public final class ConsoleView implements EventSink {

    /** How the view marks up its text: {@link #PLAIN} for pipes and logs, ANSI colours on a terminal. */
    public interface Style {

        /** No markup: the text as it is. */
        Style PLAIN = new Style() {
        };

        /** The text, marked as a status says ({@code ok}, {@code failed}, {@code skipped}, {@code retrying}...). */
        default String status(String status, String text) {
            return text;
        }

        /** A step id. */
        default String id(String step) {
            return step;
        }
    }

    private final Consumer<String> lines;
    private final boolean quiet;
    private final boolean verbose;
    private final Style style;
    private final List<String[]> rows = new ArrayList<>();

    /** @param quiet without command output and per-check lines */
    public ConsoleView(PrintWriter out, boolean quiet) {
        this(out, quiet, false);
    }

    /**
     * @param quiet   without command output and per-check lines
     * @param verbose with each collected fact's value and each check of the triggers
     */
    public ConsoleView(PrintWriter out, boolean quiet, boolean verbose) {
        this(s -> {
            out.println(s);
            out.flush();
        }, quiet, verbose, Style.PLAIN);
    }

    /** A view that hands each line, marked up in the style, to {@code lines}. */
    public ConsoleView(Consumer<String> lines, boolean quiet, boolean verbose, Style style) {
        this.lines = lines;
        this.quiet = quiet;
        this.verbose = verbose;
        this.style = style;
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
            case EventType.STEP_STARTED -> line("  -> " + style.id(e.step())
                    + (d.get("name") != null ? " — " + d.get("name") : "")
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
                    line("     " + mark(status) + " " + style.id(e.step()) + " on " + d.get("host") + " " + status
                            + " in "
                            + seconds(d.get("duration_ms")) + (d.get("error") != null ? ": " + d.get("error") : ""));
                }
            }
            case EventType.ROLLOUT_BATCH -> line("  == " + d.get("target") + " batch " + d.get("batch") + " of "
                    + d.get("of") + ": " + String.join(", ", (List<String>) d.get("hosts")));
            case EventType.HOST_DROPPED -> alert("  !! host " + d.get("host") + " left the run (" + d.get("reason")
                    + "); " + (Boolean.TRUE.equals(d.get("rolled_back")) ? "it was rolled back"
                    : "its rollback is INCOMPLETE"));
            case EventType.STEP_RETRYING -> line(style.status("retrying", "     retrying (" + d.get("attempt") + " of "
                    + d.get("of") + ") in " + seconds(d.get("delay_ms")) + ": " + d.get("error")));
            case EventType.STEP_FINISHED -> finished(e);
            case EventType.APPROVAL_REQUESTED -> line("     approval needed: " + d.get("question"));
            case EventType.APPROVAL_GIVEN -> line("     approved by " + d.get("by"));
            case EventType.APPROVAL_REFUSED -> alert("     approval REFUSED");
            case EventType.TRIGGER_FIRED -> alert("  !! rollback trigger fired: " + d.get("trigger") + " ("
                    + d.get("when")
                    + ") with " + d.get("values") + (d.get("message") != null ? ": " + d.get("message") : ""));
            case "monitor.tick" -> {
                if (!quiet) {
                    line("     tick " + d.get("tick") + ": " + d.get("checks"));
                }
            }
            case EventType.FACT_COLLECTED -> {
                if (verbose && !quiet) {
                    line("     fact " + d.get("fact") + " (" + d.get("kind") + ")" + (d.containsKey("error")
                            ? " not collected: " + d.get("error") : " = " + d.get("value")));
                }
            }
            case EventType.TRIGGERS_CHECKED -> {
                if (verbose && !quiet) {
                    line("     triggers checked" + (e.step() != null ? " after " + e.step() : "") + ": "
                            + d.get("decisions"));
                }
            }
            case EventType.ROLLBACK_STARTED -> line(style.status("retrying", "  <- rolling back: " + d.get("reason")));
            case EventType.ROLLBACK_ACTION -> line("     " + mark(String.valueOf(d.get("status"))) + " rollback of "
                    + style.id(e.step()) + (d.get("host") != null ? " on " + d.get("host") : "") + ", action " + d.get("action") + (d.get("error") != null ? ": " + d.get("error") : ""));
            case EventType.ROLLBACK_FINISHED -> line(Boolean.TRUE.equals(d.get("complete"))
                    ? style.status("ok", "  rollback complete") : style.status("failed", "  rollback INCOMPLETE"));
            case EventType.SUCCESS -> line("  " + mark(Boolean.TRUE.equals(d.get("holds")) ? "ok" : "failed")
                    + " success check: " + d.get("name") + detail(d));
            case EventType.RUN_INTERRUPTED -> alert("  !! " + d.get("message"));
            case EventType.RUN_FINISHED -> summary(e);
            default -> { }
        }
    }

    private void finished(Event e) {
        Map<String, Object> d = e.data();
        String status = String.valueOf(d.get("status"));
        String took = seconds(d.get("duration_ms"));
        line("  " + mark(status) + " " + style.id(e.step()) + " " + status + " in " + took
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
            rows.forEach(r -> line("  " + style.id(r[0]) + pad("", w - r[0].length()) + "  "
                    + style.status(r[1], pad(r[1], 9)) + "  " + r[2]));
        }
        line("");
        String status = String.valueOf(e.get("status"));
        line(style.status(status, "verdict: " + status.toUpperCase().replace('_', ' ') + " — " + e.get("message")));
        line("journal: run " + e.run());
    }

    private static String detail(Map<String, Object> d) {
        String s = d.get("detail") != null ? " (" + d.get("detail") + ")" : "";
        return d.get("message") != null ? s + ": " + d.get("message") : s;
    }

    private String mark(String status) {
        return style.status(status, switch (status) {
            case "ok" -> "[ok]     ";
            case "skipped" -> "[skipped]";
            default -> "[FAILED] ";
        });
    }

    private static String seconds(Object ms) {
        long v = ms instanceof Number n ? n.longValue() : 0;
        return v < 1000 ? v + "ms" : String.format("%.1fs", v / 1000.0);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private void alert(String s) {
        line(style.status("failed", s));
    }

    private void line(String s) {
        lines.accept(s);
    }
}
