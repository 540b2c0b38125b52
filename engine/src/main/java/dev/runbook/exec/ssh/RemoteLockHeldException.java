package dev.runbook.exec.ssh;

import dev.runbook.diag.RunbookException;
import java.time.Duration;

/** A {@link RemoteLock} is held by someone else: names the holder and for how long. */
public final class RemoteLockHeldException extends RunbookException {

    private final transient String holder;
    private final transient Duration age;

    public RemoteLockHeldException(String dir, String host, String holder, Duration age) {
        super(dir + " on " + host + " is locked by " + holder + " for " + age.toSeconds() + "s; wait for that run to"
                + " finish, or if it is gone for good, remove " + dir + " on " + host);
        this.holder = holder;
        this.age = age;
    }

    /** The owner text the holder wrote. */
    public String holder() {
        return holder;
    }

    /** How long it has held the lock, by the host's clock. */
    public Duration age() {
        return age;
    }
}
