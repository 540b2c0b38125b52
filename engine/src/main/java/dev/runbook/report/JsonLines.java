package dev.runbook.report;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import java.io.PrintWriter;
import tools.jackson.databind.json.JsonMapper;

/** {@code --output json}: every event as one JSON object per line, as {@code schemas/events.schema.json} says. */
public final class JsonLines implements EventSink {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PrintWriter out;

    public JsonLines(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void accept(Event e) {
        out.println(JSON.writeValueAsString(e.toMap()));
        out.flush();
    }
}
