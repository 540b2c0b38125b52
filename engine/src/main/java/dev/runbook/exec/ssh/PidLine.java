package dev.runbook.exec.ssh;

import dev.runbook.exec.OutputCapture;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Takes the wrapper's first stdout line, {@code runbook-pid:PID}, out of a command's output, and keeps the pid. */
final class PidLine implements Predicate<String> {

    private final CompletableFuture<Long> pid = new CompletableFuture<>();

    @Override
    public boolean test(String line) {
        if (pid.isDone() || !line.startsWith(RemoteCommand.PID_MARK)) {
            return false;
        }
        try {
            pid.complete(Long.parseLong(line.substring(RemoteCommand.PID_MARK.length()).strip()));
        } catch (NumberFormatException e) {
            pid.complete(-1L);
        }
        return true;
    }

    /** The remote process id, waiting up to {@code ms} for it (not past the end of the output); -1 when unknown. */
    long await(OutputCapture out, long ms) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!pid.isDone() && !out.ended() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return pid.getNow(-1L);
    }
}
