package dev.runbook.lock;

import dev.runbook.diag.RunbookException;

/** Another run holds the lock. */
public final class LockHeldException extends RunbookException {

    private final transient RunLock.Holder holder;

    public LockHeldException(String what, RunLock.Holder holder) {
        super(what + " is locked by another run: " + holder + "; wait for it to finish (or --lock-wait 10m),"
                + " or if that run is gone for good, remove the lock file it names");
        this.holder = holder;
    }

    public RunLock.Holder holder() {
        return holder;
    }
}
