package dev.runbook.journal;

/** Receives a run's events as they happen: the journal, the console, {@code --output json}. */
@FunctionalInterface
public interface EventSink {

    void accept(Event event);
}
