package dev.runbook.exec.ssh;

import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import dev.runbook.expr.ShellQuote;
import java.time.Duration;

/**
 * A lock on a target, taken through any {@link Executor} with plain POSIX shell: {@code mkdir DIR} is the atomic
 * step, {@code DIR/owner} says who holds it and since when (by the host's clock). A lock older than the stale age
 * may be taken over when allowed; the takeover renames the old directory away first, so of two runs taking over at
 * once only one wins. Whether the holder's process is still alive is not checked: it may be on another machine.
 */
public final class RemoteLock {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Executor on;
    private final String dir;
    private final String owner;
    private final String previous;

    private RemoteLock(Executor on, String dir, String owner, String previous) {
        this.on = on;
        this.dir = dir;
        this.owner = owner;
        this.previous = previous;
    }

    /** The owner text of this process: {@code user@machine pid PID run RUN_ID}. */
    public static String ownerText(String runId) {
        String machine;
        try {
            machine = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            machine = "unknown-host";
        }
        return System.getProperty("user.name") + "@" + machine + " pid " + ProcessHandle.current().pid() + " run " + runId;
    }

    /**
     * Takes the lock {@code dir} on the executor's host for {@code owner}.
     *
     * @param staleAfter a lock held longer counts as stale; null for never
     * @param takeOver   take a stale lock over instead of refusing
     * @throws RemoteLockHeldException when someone else holds it
     */
    public static RemoteLock acquire(Executor on, String dir, String owner, Duration staleAfter, boolean takeOver)
            throws InterruptedException {
        String o = owner.replace('\n', ' ');
        long stale = staleAfter == null || !takeOver ? -1 : staleAfter.toSeconds();
        String script = "d=" + ShellQuote.quote(dir) + "; o=" + ShellQuote.quote(o) + "; s=" + stale + "\n"
                + "take() { mkdir \"$d\" 2>/dev/null || return 1; printf 'owner=%s\\nsince=%s\\n' \"$o\" \"$(date +%s)\" > \"$d/owner\"; }\n"
                + "case $d in */*) mkdir -p \"${d%/*}\" 2>/dev/null ;; esac\n"
                + "if take; then echo acquired; exit 0; fi\n"
                + "[ -d \"$d\" ] || { echo \"cannot create $d\" >&2; exit 4; }\n"
                + "h=$(cat \"$d/owner\" 2>/dev/null)\n"
                + "t=$(printf '%s\\n' \"$h\" | sed -n 's/^since=//p')\n"
                + "[ -n \"$t\" ] || t=$(stat -c %Y \"$d\" 2>/dev/null || stat -f %m \"$d\" 2>/dev/null || date +%s)\n"
                + "a=$(( $(date +%s) - t ))\n"
                + "if [ \"$s\" -ge 0 ] && [ \"$a\" -gt \"$s\" ]; then\n"
                + "  m=\"$d.stale.$$\"\n"
                + "  if mv \"$d\" \"$m\" 2>/dev/null; then\n"
                + "    if [ \"$(cat \"$m/owner\" 2>/dev/null)\" = \"$h\" ]; then\n"
                + "      rm -rf \"$m\"; if take; then echo taken; printf '%s\\n' \"$h\"; exit 0; fi\n"
                + "    else mv \"$m\" \"$d\" 2>/dev/null; fi\n"
                + "  fi\n"
                + "fi\n"
                + "echo \"held $a\"; printf '%s\\n' \"$h\"; exit 3\n";
        CommandResult r = on.run(script, COMMAND_TIMEOUT, Executor.OutputListener.NONE);
        String first = r.stdout().lines().findFirst().orElse("");
        if (r.exitCode() == 0 && (first.equals("acquired") || first.equals("taken"))) {
            String prev = first.equals("taken") ? field(r.stdout(), "owner") : null;
            return new RemoteLock(on, dir, o, prev);
        }
        if (r.exitCode() == 3 && first.startsWith("held ")) {
            String holder = field(r.stdout(), "owner");
            long age = Long.parseLong(first.substring(5).strip());
            return throwHeld(dir, on.host(), holder == null ? "an unknown owner (no owner file yet)" : holder, age);
        }
        throw new SshException("cannot take the lock " + dir + " on " + on.host() + ": "
                + (r.stderr().isEmpty() ? "exit " + r.exitCode() : r.stderr().strip()));
    }

    private static RemoteLock throwHeld(String dir, String host, String holder, long age) {
        throw new RemoteLockHeldException(dir, host, holder, Duration.ofSeconds(Math.max(0, age)));
    }

    private static String field(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse(null);
    }

    /** Removes the lock if this owner still holds it; false when it was taken over meanwhile (and is left alone). */
    public boolean release() throws InterruptedException {
        String script = "d=" + ShellQuote.quote(dir) + "; o=" + ShellQuote.quote(owner) + "\n"
                + "if [ \"$(sed -n 's/^owner=//p' \"$d/owner\" 2>/dev/null)\" = \"$o\" ]; then rm -rf \"$d\" && echo released;"
                + " else echo other; fi\n";
        CommandResult r = on.run(script, COMMAND_TIMEOUT, Executor.OutputListener.NONE);
        if (!r.ok()) {
            throw new SshException("cannot release the lock " + dir + " on " + on.host() + ": " + r.stderr().strip());
        }
        return r.stdout().strip().equals("released");
    }

    public String dir() {
        return dir;
    }

    public String owner() {
        return owner;
    }

    /** The owner of the stale lock this one took over, or null. */
    public String tookOverFrom() {
        return previous;
    }

    @Override
    public String toString() {
        return "lock " + dir + " on " + on.host() + " held by " + owner;
    }
}
