package dev.runbook.exec.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.runbook.exec.Executor;
import dev.runbook.exec.OutputCapture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Receives the multiplexed frames of an exec or of a container's logs, passes them on line by line (stdout and
 * stderr apart) and keeps the last {@link OutputCapture#LIMIT} characters of each, as {@link OutputCapture} does.
 */
final class FrameLines extends ResultCallback.Adapter<Frame> {

    private final Executor.OutputListener listener;
    private final Predicate<String> own;
    private final ByteArrayOutputStream[] partial = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    private final StringBuilder[] kept = {new StringBuilder(), new StringBuilder()};

    /**
     * @param own takes the stdout lines that are the engine layer's own business (a wrapper's pid report): true
     *            when it took the line
     */
    FrameLines(Executor.OutputListener listener, Predicate<String> own) {
        this.listener = listener;
        this.own = own;
    }

    FrameLines(Executor.OutputListener listener) {
        this(listener, line -> false);
    }

    @Override
    public void onNext(Frame frame) {
        int s = frame.getStreamType() == StreamType.STDERR ? 1 : 0;
        byte[] payload = frame.getPayload();
        if (payload == null) {
            return;
        }
        synchronized (this) {
            for (byte b : payload) {
                if (b == '\n') {
                    emit(s);
                } else {
                    partial[s].write(b);
                }
            }
        }
    }

    @Override
    public void onComplete() {
        flush();
        super.onComplete();
    }

    @Override
    public void onError(Throwable throwable) {
        flush();
        super.onError(throwable);
    }

    private synchronized void flush() {
        for (int s = 0; s < 2; s++) {
            if (partial[s].size() > 0) {
                emit(s);
            }
        }
    }

    private void emit(int s) {
        String line = partial[s].toString(StandardCharsets.UTF_8);
        partial[s].reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (s == 0 && own.test(line)) {
            return;
        }
        listener.line(s == 1, line);
        StringBuilder k = kept[s];
        k.append(line).append('\n');
        if (k.length() > 2 * OutputCapture.LIMIT) {
            k.delete(0, k.length() - OutputCapture.LIMIT);
        }
    }

    /** What the stream printed, up to its last {@link OutputCapture#LIMIT} characters, without the final newline. */
    synchronized String text(boolean stderr) {
        StringBuilder k = kept[stderr ? 1 : 0];
        String s = k.length() > OutputCapture.LIMIT ? k.substring(k.length() - OutputCapture.LIMIT) : k.toString();
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** Stops receiving; what was received is kept. */
    void closeQuietly() {
        try {
            close();
        } catch (java.io.IOException e) {
            // nothing left to read
        }
    }
}
