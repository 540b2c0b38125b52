package dev.runbook.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a process on a thread of a shared pool (a step does not pay for starting threads),
 * passing lines on and keeping the last part.
 */
final class OutputCapture implements Runnable {

    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "output-reader");
        t.setDaemon(true);
        return t;
    });

    /** How much of a command's output a result keeps (the tail). */
    static final int LIMIT = 64 * 1024;

    private final InputStream in;
    private final boolean stderr;
    private final Executor.OutputListener listener;
    private final StringBuilder kept = new StringBuilder();
    private java.util.concurrent.Future<?> done;

    OutputCapture(InputStream in, boolean stderr, Executor.OutputListener listener) {
        this.in = in;
        this.stderr = stderr;
        this.listener = listener;
    }

    @Override
    public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                listener.line(stderr, line);
                synchronized (kept) {
                    kept.append(line).append('\n');
                    if (kept.length() > 2 * LIMIT) {
                        kept.delete(0, kept.length() - LIMIT);
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read is kept
        }
    }

    /** Starts reading. */
    void start() {
        done = READERS.submit(this);
    }

    /** Waits up to {@code ms} for the stream's end. */
    void join(long ms) throws InterruptedException {
        try {
            done.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // what was read is kept
        }
    }

    /** The output read, up to its last {@link #LIMIT} characters, without the final newline. */
    String text() {
        synchronized (kept) {
            String s = kept.length() > LIMIT ? kept.substring(kept.length() - LIMIT) : kept.toString();
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
