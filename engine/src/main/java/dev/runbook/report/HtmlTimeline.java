package dev.runbook.report;

import static dev.runbook.report.HtmlText.esc;
import static dev.runbook.report.HtmlText.xy;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's timeline as inline SVG, a Gantt chart read from the journal: one bar per step from its start to its
 * end, coloured by how it ended (ok, failed, skipped, rolled back: ok and then undone, or not finished), then one
 * bar per rollback action after them, and a vertical line where a trigger fired.
 */
final class HtmlTimeline {

    private static final double W = 960;
    private static final double LABELS = 230;
    private static final double RIGHT = 940;
    private static final double ROW = 24;
    private static final double TOP = 28;

    /** A bar: a step, or a rollback action ({@code ↩ step #n}). */
    private record Bar(String label, String step, String status, Instant start, Instant end, String title) {
    }

    private final List<Bar> bars = new ArrayList<>();
    private final List<Event> fired = new ArrayList<>();
    private final Instant start;
    private final Instant end;

    private HtmlTimeline(Instant start, Instant end) {
        this.start = start;
        this.end = end.isAfter(start) ? end : start.plusMillis(1);
    }

    /** The timeline of the events of a run that started at {@code start} and whose last event is at {@code end}. */
    static String render(List<Event> events, Instant start, Instant end) {
        HtmlTimeline t = new HtmlTimeline(start, end);
        t.read(events);
        return t.svg();
    }

    private void read(List<Event> events) {
        Map<String, Event> started = new LinkedHashMap<>();
        Map<String, Event> finished = new LinkedHashMap<>();
        Map<String, Boolean> undone = new LinkedHashMap<>();
        List<Bar> actions = new ArrayList<>();
        for (Event e : events) {
            switch (e.type()) {
                case EventType.STEP_STARTED -> {
                    started.remove(e.step());
                    started.put(e.step(), e);
                    finished.remove(e.step());
                }
                case EventType.STEP_FINISHED -> finished.put(e.step(), e);
                case EventType.TRIGGER_FIRED -> fired.add(e);
                case EventType.ROLLBACK_ACTION -> {
                    long ms = e.get("duration_ms") instanceof Number n ? n.longValue() : 0;
                    String status = String.valueOf(e.get("status"));
                    if (status.equals("ok")) {
                        undone.put(e.step(), true);
                    }
                    String host = e.text("host") == null ? "" : " @" + e.text("host");
                    actions.add(new Bar("\u21a9 " + e.step() + " #" + e.get("action") + host, e.step(),
                            status.equals("ok") ? "rolled-back" : cls(status), e.time().minusMillis(ms), e.time(),
                            "rollback of " + e.step() + ", action " + e.get("action") + host + ": " + status
                                    + (e.text("error") == null ? "" : " (" + e.text("error") + ")")));
                }
                default -> { }
            }
        }
        started.forEach((id, s) -> {
            Event f = finished.get(id);
            boolean stopped = f == null && fired.stream().anyMatch(t -> id.equals(t.step()));
            String status = stopped ? "failed" : f == null ? "unfinished" : String.valueOf(f.get("status"));
            String shown = status.equals("ok") && undone.containsKey(id) ? "rolled-back" : cls(status);
            String name = s.text("name") == null ? "" : " \u2014 " + s.text("name");
            Instant until = f != null ? f.time() : stopped ? fired.stream().filter(t -> id.equals(t.step()))
                    .map(Event::time).findFirst().orElse(end) : end;
            bars.add(new Bar(id, id, shown, s.time(), until,
                    id + name + ": " + (stopped ? "stopped by a trigger" : status.replace('_', ' '))
                            + (shown.equals("rolled-back") ? ", rolled back" : "")
                            + (f != null && f.text("error") != null ? " (" + f.text("error") + ")" : "")));
        });
        bars.addAll(actions);
    }

    /** The CSS class of a status. */
    private static String cls(String status) {
        return switch (status) {
            case "ok" -> "ok";
            case "failed", "timed_out" -> "failed";
            case "skipped" -> "skipped";
            default -> "pending";
        };
    }

    private double x(Instant t) {
        double span = end.toEpochMilli() - start.toEpochMilli();
        return LABELS + (RIGHT - LABELS) * Math.max(0, Math.min(1, (t.toEpochMilli() - start.toEpochMilli()) / span));
    }

    private String svg() {
        double h = TOP + ROW * bars.size() + 10;
        StringBuilder svg = new StringBuilder("<svg class=\"timeline\" viewBox=\"0 0 " + HtmlText.num(W) + " "
                + HtmlText.num(h) + "\" role=\"img\" aria-label=\"timeline of the steps\">\n");
        long span = end.toEpochMilli() - start.toEpochMilli();
        for (int i = 0; i <= 5; i++) {
            double x = LABELS + (RIGHT - LABELS) * i / 5;
            svg.append("<line class=\"grid\" x1=\"").append(xy(x)).append("\" x2=\"").append(xy(x)).append("\" y1=\"")
                    .append(xy(TOP - 6)).append("\" y2=\"").append(xy(h - 6)).append("\"/><text class=\"axis\" x=\"")
                    .append(xy(x)).append("\" y=\"").append(xy(TOP - 10)).append("\" text-anchor=\"middle\">")
                    .append(esc(HtmlText.offset(span * i / 5))).append("</text>\n");
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = TOP + ROW * i;
            double x0 = x(b.start());
            double w = Math.max(3, x(b.end()) - x0);
            long ms = b.end().toEpochMilli() - b.start().toEpochMilli();
            boolean inside = x0 + w > RIGHT - 70;
            svg.append("<g class=\"bar ").append(b.status()).append("\" data-step=\"").append(esc(b.step()))
                    .append("\" data-status=\"").append(b.status()).append("\"><title>").append(esc(b.title()))
                    .append("</title><text class=\"label\" x=\"").append(xy(LABELS - 8)).append("\" y=\"")
                    .append(xy(y + 16)).append("\" text-anchor=\"end\">").append(esc(shorten(b.label())))
                    .append("</text><rect x=\"").append(xy(x0)).append("\" y=\"").append(xy(y + 4))
                    .append("\" width=\"").append(xy(w)).append("\" height=\"").append(xy(ROW - 8))
                    .append("\" rx=\"3\"/><text class=\"time").append(inside ? " in" : "").append("\" x=\"")
                    .append(xy(inside ? x0 + w - 4 : x0 + w + 4)).append("\" y=\"").append(xy(y + 16))
                    .append("\" text-anchor=\"").append(inside ? "end" : "start").append("\">")
                    .append(esc(HtmlText.duration(ms))).append("</text></g>\n");
        }
        for (Event f : fired) {
            double x = x(f.time());
            svg.append("<g class=\"fired\" data-trigger=\"").append(esc(f.text("trigger"))).append("\"><line x1=\"")
                    .append(xy(x)).append("\" x2=\"").append(xy(x)).append("\" y1=\"").append(xy(TOP - 6))
                    .append("\" y2=\"").append(xy(h - 6)).append("\"/><title>")
                    .append(esc("trigger fired: " + f.text("trigger"))).append("</title></g>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    private static String shorten(String label) {
        return label.length() <= 30 ? label : label.substring(0, 29) + "\u2026";
    }
}
