package dev.runbook.report;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The numbers a fact took over a run, read from its journal's {@code fact.collected} events: one series per fact
 * (a number, or a number as text) or per numeric path into it ({@code elapsed} of an {@code http} fact, and every
 * path a threshold compares). Only facts collected more than once are charted; a collection that failed, or whose
 * value at the path is not a number, is a gap. The moments a trigger fired over the path are its markers.
 *
 * @param fact     the fact's name
 * @param kind     its kind ({@code http}, {@code shell}...)
 * @param path     the keys into its value; empty for the value itself
 * @param points   the numeric values, in time order
 * @param times    how many times it was collected (numeric or not)
 * @param failures how many of those failed
 * @param fired    where a trigger over this path fired
 */
record HtmlFactSeries(String fact, String kind, List<String> path, List<Point> points, int times, int failures,
                      List<Marker> fired) {

    /** A value at a moment. */
    record Point(Instant time, double value) {
    }

    /** A trigger that fired, at a moment, with the value that made it fire. */
    record Marker(Instant time, double value, String trigger) {
    }

    /** {@code health.elapsed}, or {@code disk}. */
    String label() {
        return fact + (path.isEmpty() ? "" : "." + String.join(".", path));
    }

    /** The unit of the values, when known: an http fact's {@code elapsed} is in milliseconds. */
    String unit() {
        return kind != null && kind.equals("http") && path.equals(List.of("elapsed")) ? "ms" : "";
    }

    /**
     * The series of every fact the events collected more than once, each over the paths that have numbers:
     * {@code wanted} lists the paths the thresholds compare, per fact.
     */
    static List<HtmlFactSeries> of(List<Event> events, Map<String, Set<List<String>>> wanted) {
        Map<String, List<Event>> byFact = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.type().equals(EventType.FACT_COLLECTED) && e.text("fact") != null) {
                byFact.computeIfAbsent(e.text("fact"), k -> new ArrayList<>()).add(e);
            }
        }
        List<HtmlFactSeries> out = new ArrayList<>();
        byFact.forEach((fact, collected) -> {
            if (collected.size() < 2) {
                return;
            }
            String kind = collected.get(0).text("kind");
            Set<List<String>> paths = new LinkedHashSet<>();
            paths.add(List.of());
            if ("http".equals(kind)) {
                paths.add(List.of("elapsed"));
            }
            paths.addAll(wanted.getOrDefault(fact, Set.of()));
            for (List<String> path : paths) {
                HtmlFactSeries s = series(fact, kind, path, collected, events);
                if (!s.points().isEmpty()) {
                    out.add(s);
                }
            }
        });
        return out;
    }

    /** The facts collected more than once that have no numeric value to chart. */
    static List<String> withoutNumbers(List<Event> events, List<HtmlFactSeries> charted) {
        Map<String, Integer> times = new LinkedHashMap<>();
        events.stream().filter(e -> e.type().equals(EventType.FACT_COLLECTED) && e.text("fact") != null)
                .forEach(e -> times.merge(e.text("fact"), 1, Integer::sum));
        return times.entrySet().stream().filter(t -> t.getValue() > 1)
                .map(Map.Entry::getKey).filter(f -> charted.stream().noneMatch(s -> s.fact().equals(f))).toList();
    }

    private static HtmlFactSeries series(String fact, String kind, List<String> path, List<Event> collected,
                                         List<Event> events) {
        List<Point> points = new ArrayList<>();
        int failures = 0;
        for (Event e : collected) {
            if (!e.data().containsKey("value") || e.get("value") == null) {
                failures++;
                continue;
            }
            Double v = number(at(e.get("value"), path));
            if (v != null) {
                points.add(new Point(e.time(), v));
            }
        }
        String key = "facts." + fact + (path.isEmpty() ? "" : "." + String.join(".", path));
        List<Marker> fired = new ArrayList<>();
        for (Event e : events) {
            if (e.type().equals(EventType.TRIGGER_FIRED) && e.get("values") instanceof Map<?, ?> values
                    && number(values.get(key)) != null) {
                fired.add(new Marker(e.time(), number(values.get(key)), e.text("trigger")));
            }
        }
        return new HtmlFactSeries(fact, kind, path, points, collected.size(), failures, fired);
    }

    /** The value at the path into a fact's value, or null. */
    private static Object at(Object value, List<String> path) {
        Object v = value;
        for (String key : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(key);
        }
        return v;
    }

    /** A number, or text that is one (a shell fact's {@code 42}); otherwise null. */
    static Double number(Object v) {
        if (v instanceof Number n) {
            return Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
        }
        if (v instanceof String s && s.trim().matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
            return Double.parseDouble(s.trim());
        }
        return null;
    }
}
