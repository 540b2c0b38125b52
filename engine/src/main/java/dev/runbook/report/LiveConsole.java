package dev.runbook.report;

import dev.runbook.journal.Event;
import dev.runbook.journal.EventSink;
import dev.runbook.journal.EventType;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The console view on a terminal: the lines of {@link ConsoleView} in colour (green ok, red failed, yellow skipped
 * and retrying, bold step ids), and under them one status line redrawn in place (carriage return, clear line) by
 * a daemon thread every 200 ms: the running step with its elapsed time, on a fleet how many hosts are done and
 * failed and which batch of the rollout runs, and for a {@code wait} or {@code monitor} step that says how long it
 * may take ({@code within_ms}) a progress bar. The status line is cleared before any line is printed, under one
 * lock, so lines never interleave with it; it is not drawn while an approval is asked.
 */
public final class LiveConsole implements EventSink, AutoCloseable {

    static final String RESET = "\033[0m";
    static final String BOLD = "\033[1m";
    static final String RED = "\033[31m";
    static final String GREEN = "\033[32m";
    static final String YELLOW = "\033[33m";
    static final String DIM = "\033[2m";
    static final String CLEAR = "\r\033[2K";

    /** The colours of the view on a terminal. */
    static final ConsoleView.Style COLOURS = new ConsoleView.Style() {
        @Override
        public String status(String status, String text) {
            String colour = switch (status) {
                case "ok", "succeeded" -> GREEN;
                case "skipped", "retrying", "rolled_back", "awaiting_approval", "interrupted" -> YELLOW;
                default -> RED;
            };
            return colour + text + RESET;
        }

        @Override
        public String id(String step) {
            return BOLD + step + RESET;
        }
    };

    private static final String SPINNER = "|/-\\";
    private static final int BAR = 20;

    /** A step that runs: what the status line says of it. */
    private static final class Running {
        final String id;
        final String target;
        final long since;
        final int hosts;
        final long within;
        int done;
        int failed;
        Object tick;

        Running(Event e, long now) {
            this.id = e.step();
            this.target = e.text("target");
            this.since = now;
            this.hosts = e.get("hosts") instanceof Number n ? n.intValue() : 0;
            this.within = e.get("within_ms") instanceof Number n ? n.longValue() : 0;
        }
    }

    private final PrintWriter out;
    private final ConsoleView view;
    private final LongSupplier millis;
    private final int width;
    private final Deque<Running> running = new ArrayDeque<>();
    private final Map<String, String> batches = new HashMap<>();
    private boolean shown;
    private boolean asking;
    private boolean finished;
    private int frame;
    private Thread ticker;

    /**
     * A view on a terminal, its status line redrawn by a daemon thread.
     *
     * @param quiet   without command output and per-check lines
     * @param verbose with each collected fact's value and each check of the triggers
     */
    public LiveConsole(PrintWriter out, boolean quiet, boolean verbose) {
        this(out, quiet, verbose, System::currentTimeMillis, columns(), true);
    }

    /** A view whose clock is {@code millis}; without a ticker only events and {@link #redraw} draw the status line. */
    LiveConsole(PrintWriter out, boolean quiet, boolean verbose, LongSupplier millis, int width, boolean ticker) {
        this.out = out;
        this.millis = millis;
        this.width = width;
        this.view = new ConsoleView(this::print, quiet, verbose, COLOURS);
        if (ticker) {
            this.ticker = new Thread(this::tick, "runbook-live-console");
            this.ticker.setDaemon(true);
            this.ticker.start();
        }
    }

    @Override
    public synchronized void accept(Event e) {
        clear();
        switch (e.type()) {
            case EventType.STEP_STARTED -> running.push(new Running(e, millis.getAsLong()));
            case EventType.STEP_HOST -> of(e.step(), r -> {
                r.done++;
                r.failed += "failed".equals(e.text("status")) ? 1 : 0;
            });
            case "monitor.tick" -> of(e.step(), r -> r.tick = e.get("tick"));
            case EventType.ROLLOUT_BATCH ->
                    batches.put(e.text("target"), "batch " + e.get("batch") + "/" + e.get("of"));
            case EventType.APPROVAL_REQUESTED -> asking = true;
            case EventType.APPROVAL_GIVEN, EventType.APPROVAL_REFUSED -> asking = false;
            default -> { }
        }
        view.accept(e);
        switch (e.type()) {
            case EventType.STEP_FINISHED -> running.removeIf(r -> r.id.equals(e.step()));
            case EventType.RUN_FINISHED -> close();
            default -> { }
        }
        redraw();
    }

    /** Draws the status line again (the ticker does, every 200 ms). */
    synchronized void redraw() {
        clear();
        if (finished || asking || running.isEmpty()) {
            return;
        }
        out.print(status(running.peek()));
        out.flush();
        shown = true;
    }

    /** Stops the ticker and clears the status line. */
    @Override
    public synchronized void close() {
        clear();
        finished = true;
        if (ticker != null) {
            ticker.interrupt();
            ticker = null;
        }
    }

    private String status(Running r) {
        long elapsed = Math.max(0, millis.getAsLong() - r.since);
        StringBuilder s = new StringBuilder(" ").append(seconds(elapsed));
        if (r.hosts > 1) {
            s.append("  ").append(r.target).append(": ").append(r.done).append('/').append(r.hosts)
                    .append(" hosts done");
            if (r.failed > 0) {
                s.append(", ").append(r.failed).append(" failed");
            }
        }
        String batch = batches.get(r.target);
        if (batch != null && r.hosts > 1) {
            s.append(" (").append(batch).append(')');
        }
        if (r.within > 0) {
            int full = (int) Math.min(BAR, elapsed * BAR / r.within);
            s.append("  [").append("#".repeat(full)).append("-".repeat(BAR - full)).append("] ")
                    .append(seconds(r.within));
        }
        if (r.tick != null) {
            s.append("  tick ").append(r.tick);
        }
        String spin = SPINNER.charAt(frame++ % SPINNER.length()) + " ";
        int room = Math.max(0, width - 1 - 2 - spin.length() - r.id.length());
        String rest = s.length() > room ? s.substring(0, room) : s.toString();
        return "  " + spin + BOLD + r.id + RESET + DIM + rest + RESET;
    }

    private void clear() {
        if (shown) {
            out.print(CLEAR);
            out.flush();
            shown = false;
        }
    }

    private void print(String line) {
        clear();
        out.println(line);
        out.flush();
    }

    private void of(String step, java.util.function.Consumer<Running> change) {
        running.stream().filter(r -> r.id.equals(step)).findFirst().ifPresent(change);
    }

    private void tick() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(200);
                redraw();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private static String seconds(long ms) {
        return String.format("%.1fs", ms / 1000.0);
    }

    private static int columns() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim()));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
