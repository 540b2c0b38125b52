package dev.runbook.exec;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import dev.runbook.secret.Masker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers a run's events, masks every secret in them, and hands them to every sink (journal first, so that
 * nothing is shown that is not recorded).
 */
public final class Emitter {

    private final String runId;
    private Masker masker;
    private final List<EventSink> sinks;
    private long seq;

    public Emitter(String runId, Masker masker, List<EventSink> sinks, long lastSeq) {
        this.runId = runId;
        this.masker = masker;
        this.sinks = List.copyOf(sinks);
        this.seq = lastSeq;
    }

    /** Emits an event; {@code kv} are alternating keys and values (nulls dropped). */
    public synchronized Event emit(String type, String step, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                data.put(String.valueOf(kv[i]), kv[i + 1]);
            }
        }
        return emit(type, step, data);
    }

    public synchronized Event emit(String type, String step, Map<String, Object> data) {
        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) mask(data);
        // output lines share the number of the event before them: the journal does not keep them, and its
        // numbers must have no gaps
        long n = type.equals(dev.runbook.journal.EventType.STEP_OUTPUT) ? seq : ++seq;
        Event e = new Event(n, Instant.now(), runId, type, step, masked);
        for (EventSink s : sinks) {
            s.accept(e);
        }
        return e;
    }

    public synchronized Masker masker() {
        return masker;
    }

    /** Masks {@code secret} in every later event too (a secret fact's value, once collected). */
    public synchronized void addSecret(String secret) {
        masker = masker.with(secret);
    }

    public String runId() {
        return runId;
    }

    private Object mask(Object v) {
        if (v instanceof String s) {
            return masker.mask(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), mask(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(mask(x)));
            return out;
        }
        return v;
    }
}
