package dev.runbook.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a command on a thread of a shared pool (a step does not pay for starting threads),
 * passing lines on and keeping the last part. Used for local processes and for SSH channels alike.
 */
public final class OutputCapture implements Runnable {

    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "output-reader");
        t.setDaemon(true);
        return t;
    });

    /** How much of a command's output a result keeps (the tail). */
    public static final int LIMIT = 64 * 1024;

    private final InputStream in;
    private final boolean stderr;
    private final Executor.OutputListener listener;
    private final java.util.function.Predicate<String> own;
    private final StringBuilder kept = new StringBuilder();
    private java.util.concurrent.Future<?> done;

    OutputCapture(InputStream in, boolean stderr, Executor.OutputListener listener) {
        this(in, stderr, listener, line -> false);
    }

    /**
     * @param own takes the lines that are the executor's own business, not the command's output (such as a
     *            wrapper's report of the command's process id): true when it took the line
     */
    public OutputCapture(InputStream in, boolean stderr, Executor.OutputListener listener,
                         java.util.function.Predicate<String> own) {
        this.in = in;
        this.stderr = stderr;
        this.listener = listener;
        this.own = own;
    }

    @Override
    public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (own.test(line)) {
                    continue;
                }
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
    public void start() {
        done = READERS.submit(this);
    }

    /** Whether the stream has ended. */
    public boolean ended() {
        return done.isDone();
    }

    /** Waits up to {@code ms} for the stream's end. */
    public void join(long ms) throws InterruptedException {
        try {
            done.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // what was read is kept
        }
    }

    /** The output read, up to its last {@link #LIMIT} characters, without the final newline. */
    public String text() {
        synchronized (kept) {
            String s = kept.length() > LIMIT ? kept.substring(kept.length() - LIMIT) : kept.toString();
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
