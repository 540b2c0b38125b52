package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Work on this machine that may block (a file on a hung mount): done on its own thread, abandoned at the timeout. */
final class Deadline {

    private Deadline() {
    }

    static <T> T within(Duration timeout, String what, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, "fact");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new RunbookException(what + " took longer than its timeout of " + Durations.format(timeout));
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunbookException("interrupted while reading " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new RunbookException(what + ": " + e.getCause());
        }
    }
}
