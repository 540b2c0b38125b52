package dev.runbook.lock;

/**
 * A lock that keeps two runs of the same runbook on the same targets apart. The local lock file is one kind;
 * locks on SSH targets (a directory made atomically on the host) are another, held together by a run.
 */
public interface RunLock extends AutoCloseable {

    /** Who holds a lock: enough for an operator to find them. */
    record Holder(String user, String host, long pid, String runId, String since) {
        @Override
        public String toString() {
            return user + "@" + host + " (pid " + pid + ", run " + runId + ", since " + since + ")";
        }
    }

    /** Releases the lock; harmless when it was released already. */
    @Override
    void close();
}
