package dev.runbook.exec.ssh;

import dev.runbook.exec.Executor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one output stream of a remote command on a pooled thread: passes lines on, keeps the last part (as the
 * local executor does) and takes the process id line off the front of stdout.
 */
final class RemoteOutput implements Runnable {

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ssh-output-reader");
        t.setDaemon(true);
        return t;
    });

    /** How much of a command's output a result keeps (the tail), the local executor's amount. */
    static final int LIMIT = 64 * 1024;

    private final InputStream in;
    private final boolean stderr;
    private final Executor.OutputListener listener;
    private final StringBuilder kept = new StringBuilder();
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private Future<?> done;

    RemoteOutput(InputStream in, boolean stderr, Executor.OutputListener listener) {
        this.in = in;
        this.stderr = stderr;
        this.listener = listener;
        if (stderr) {
            pid.complete(-1L);
        }
    }

    @Override
    public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!pid.isDone() && line.startsWith(RemoteCommand.PID_MARK)) {
                    pid.complete(parsePid(line.substring(RemoteCommand.PID_MARK.length())));
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
            // the channel closed under the reader: what was read is kept
        } finally {
            pid.complete(-1L);
        }
    }

    private static long parsePid(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    void start() {
        done = READERS.submit(this);
    }

    /** The remote process id, waiting up to {@code ms} for it; -1 when unknown. */
    long pid(long ms) throws InterruptedException {
        try {
            return pid.get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    /** Whether the stream has ended. */
    boolean ended() {
        return done.isDone();
    }

    /** Waits up to {@code ms} for the end of the stream. */
    void join(long ms) throws InterruptedException {
        try {
            done.get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
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
