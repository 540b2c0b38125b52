package dev.runbook.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns SIGINT and SIGTERM into an interrupt of the running thread, so that a run stops its current step,
 * records that it was interrupted and exits by itself, instead of the JVM dying mid-step.
 */
final class Signals implements AutoCloseable {

    private final List<Object[]> previous = new ArrayList<>();

    private Signals() {
    }

    /** While the returned handle is open, SIGINT and SIGTERM run {@code onSignal}. */
    @SuppressWarnings("restriction")
    static Signals install(Runnable onSignal) {
        Signals s = new Signals();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler old = sun.misc.Signal.handle(signal, sig -> onSignal.run());
                s.previous.add(new Object[] {signal, old});
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the JVM keeps this signal for itself (-Xrs): its default applies
            }
        }
        return s;
    }

    @Override
    @SuppressWarnings("restriction")
    public void close() {
        for (Object[] p : previous) {
            sun.misc.Signal.handle((sun.misc.Signal) p[0], (sun.misc.SignalHandler) p[1]);
        }
    }
}
