package dev.runbook.exec;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventType;
import dev.runbook.journal.JournalReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a journal says of a run: how it started, the steps it finished, the rollback actions it ran, and how it
 * ended (or that it did not: a crash, a kill).
 *
 * @param started    the {@code run.started} event
 * @param results    step results in order of completion
 * @param rollback   the status of each rollback action run, by {@code step#index}
 * @param rollingBack a rollback started (and may not have finished)
 * @param finished   the last {@code run.finished} event, or null when the run did not finish
 * @param lastSeq    the last event's number
 * @param events     every event
 * @param tornLines  lines dropped as torn
 * @param unfinished the step that started and never finished (the run was stopped in it), or null
 */
public record RunHistory(Event started, Map<String, StepResult> results, Map<String, String> rollback,
                         boolean rollingBack, Event finished, long lastSeq, List<Event> events, int tornLines,
                         String unfinished) {

    /** Statuses after which a run cannot be resumed. */
    public static final List<String> FINAL = List.of("succeeded", "checks_failed", "not_started", "rolled_back",
            "rollback_incomplete");

    public static RunHistory read(Path journal) {
        JournalReader.Contents c = JournalReader.read(journal);
        Event started = null;
        Event finished = null;
        boolean rollingBack = false;
        Map<String, StepResult> results = new LinkedHashMap<>();
        Map<String, String> rollback = new LinkedHashMap<>();
        String unfinished = null;
        for (Event e : c.events()) {
            switch (e.type()) {
                case EventType.STEP_STARTED -> unfinished = e.step();
                case EventType.RUN_STARTED -> started = e;
                case EventType.STEP_FINISHED -> {
                    results.put(e.step(), StepResult.fromJournal(e.step(), e.data()));
                    unfinished = null;
                }
                case EventType.ROLLBACK_STARTED -> rollingBack = true;
                case EventType.ROLLBACK_ACTION -> rollback.put(e.step() + "#" + e.get("action")
                        + (e.get("host") == null ? "" : "@" + e.get("host")), e.text("status"));
                case EventType.RUN_FINISHED -> finished = e;
                case EventType.RUN_RESUMED -> finished = null;
                default -> { }
            }
        }
        if (started == null) {
            throw new dev.runbook.diag.RunbookException("the journal " + journal + " has no run.started event");
        }
        long last = c.events().isEmpty() ? 0 : c.events().get(c.events().size() - 1).seq();
        if (unfinished != null && results.containsKey(unfinished)) {
            unfinished = null;
        }
        return new RunHistory(started, results, rollback, rollingBack, finished, last, c.events(), c.tornLines(),
                unfinished);
    }

    /**
     * A step that ended, on one host of a fleet ({@code host} its name) or on its target (host null).
     *
     * @param reached false when the host could not be reached: nothing ran there
     */
    public record Completion(String step, String host, StepResult result, boolean reached) {
    }

    /**
     * What ended, in journal order: each step, and each fleet step on each host ({@code step.host}); a fleet
     * step's own {@code step.finished} (marked {@code fleet}) sums those up and is left out.
     */
    public List<Completion> completions() {
        List<Completion> out = new java.util.ArrayList<>();
        for (Event e : events) {
            if (e.type().equals(EventType.STEP_HOST)) {
                out.add(new Completion(e.step(), e.text("host"), StepResult.fromJournal(e.step(), e.data()),
                        !Boolean.FALSE.equals(e.get("reached"))));
            } else if (e.type().equals(EventType.STEP_FINISHED) && e.get("fleet") == null) {
                out.add(new Completion(e.step(), null, StepResult.fromJournal(e.step(), e.data()), true));
            }
        }
        return out;
    }

    /** Each fleet step's result on each host, by step id then host name. */
    public Map<String, Map<String, StepResult>> hostResults() {
        Map<String, Map<String, StepResult>> out = new LinkedHashMap<>();
        for (Completion c : completions()) {
            if (c.host() != null) {
                out.computeIfAbsent(c.step(), k -> new LinkedHashMap<>()).put(c.host(), c.result());
            }
        }
        return out;
    }

    /** The image each step that changes one recorded before it ran ({@code image.recorded}), by step id. */
    public Map<String, RecordedImage> images() {
        Map<String, RecordedImage> out = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.type().equals(EventType.IMAGE_RECORDED) && "before".equals(e.text("when"))) {
                out.put(e.step(), new RecordedImage(e.text("target"), e.text("project"), e.text("service"),
                        e.text("image"), e.text("error")));
            }
        }
        return out;
    }

    /**
     * The hosts each fleet step started on ({@code host.started}) and never finished on ({@code step.host}): the
     * run was stopped while they ran it. By step id, in the order they started.
     */
    public Map<String, java.util.List<String>> inFlight() {
        Map<String, java.util.List<String>> out = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.type().equals(EventType.HOST_STARTED)) {
                out.computeIfAbsent(e.step(), k -> new java.util.ArrayList<>()).add(e.text("host"));
            } else if (e.type().equals(EventType.STEP_HOST) && out.containsKey(e.step())) {
                out.get(e.step()).remove(e.text("host"));
            }
        }
        out.values().removeIf(java.util.List::isEmpty);
        return out;
    }

    /** The hosts that left the run after failing within max_fail, by target. */
    public Map<String, java.util.Set<String>> dropped() {
        Map<String, java.util.Set<String>> out = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.type().equals(EventType.HOST_DROPPED)) {
                out.computeIfAbsent(e.text("target"), k -> new java.util.LinkedHashSet<>()).add(e.text("host"));
            }
        }
        return out;
    }

    public String runId() {
        return started.run();
    }

    /** The status: the last {@code run.finished} one, or {@code running?} when the journal just stops. */
    public String status() {
        return finished == null ? "stopped (no run.finished: killed or still running)" : finished.text("status");
    }

    /**
     * When each monitor window that had not finished began (its first tick), by step id: a resumed run continues
     * the window to its planned end instead of starting it again.
     */
    public Map<String, Instant> openWindows() {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.type().equals("monitor.tick") && !results.containsKey(e.step())) {
                out.putIfAbsent(e.step(), e.time());
            }
        }
        return out;
    }

    /** Whether the run finished for good (nothing to resume). */
    public boolean isFinal() {
        return finished != null && FINAL.contains(finished.text("status"));
    }

    public Instant start() {
        return started.time();
    }

    public Path runbookFile() {
        return Path.of(started.text("file"));
    }
}
