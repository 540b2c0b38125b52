package dev.runbook.journal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A change of a run's state: the unit of the journal, of {@code --output json} and of the console view.
 * {@code schemas/events.schema.json} describes the JSON form.
 *
 * @param seq  1, 2, 3... within the run
 * @param time when it happened
 * @param run  the run id
 * @param type such as {@code step.finished}; see {@link EventType}
 * @param step the step it is about, or null
 * @param data the rest, by event type (already masked of secrets)
 */
public record Event(long seq, Instant time, String run, String type, String step, Map<String, Object> data) {

    /** A value of {@code data}, or null. */
    public Object get(String key) {
        return data.get(key);
    }

    /** A text value of {@code data}, or null. */
    public String text(String key) {
        Object v = data.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** The event as one flat map, in the order the journal writes it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("time", time.toString());
        m.put("run", run);
        m.put("type", type);
        if (step != null) {
            m.put("step", step);
        }
        m.putAll(data);
        return m;
    }

    /** The event a flat map stands for (the inverse of {@link #toMap()}). */
    public static Event fromMap(Map<String, Object> m) {
        Map<String, Object> data = new LinkedHashMap<>(m);
        long seq = ((Number) data.remove("seq")).longValue();
        Instant time = Instant.parse(String.valueOf(data.remove("time")));
        String run = String.valueOf(data.remove("run"));
        String type = String.valueOf(data.remove("type"));
        Object step = data.remove("step");
        return new Event(seq, time, run, type, step == null ? null : String.valueOf(step), data);
    }
}
