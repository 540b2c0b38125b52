package dev.runbook.exec.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import dev.runbook.exec.OutputCapture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs commands on one SSH host over the run's shared connection to it, each on a channel of its own (up to
 * {@link SshSessions#CHANNELS_PER_SESSION} at once). A command that times out or whose caller is interrupted is
 * killed on the host with everything it started. A connection lost mid-command is noticed within the keepalive
 * window and reported; the next command connects again.
 */
public final class SshExecutor implements Executor {

    private static final long GRACE_MS = 2000;
    private static final long KILL_WAIT_MS = 5000;

    private final SshSessions sessions;
    private final SshAddress address;
    private final Target target;

    SshExecutor(SshSessions sessions, SshAddress address) {
        this.sessions = sessions;
        this.address = address;
        this.target = sessions.resolve(address, true);
    }

    @Override
    public void connect() {
        sessions.connection(target);
    }

    @Override
    public CommandResult run(String command, Duration timeout, OutputListener output) throws InterruptedException {
        SshSessions.Connection c = sessions.connection(target);
        c.channels().acquire();
        try {
            return exec(c, command, timeout, output == null ? OutputListener.NONE : output);
        } finally {
            c.channels().release();
        }
    }

    private CommandResult exec(SshSessions.Connection c, String command, Duration timeout, OutputListener output)
            throws InterruptedException {
        long start = System.nanoTime();
        ChannelExec ch;
        PidLine pid = new PidLine();
        OutputCapture out;
        OutputCapture err;
        Session session = c.session();
        try {
            ch = open(session, RemoteCommand.wrap(command));
        } catch (SshException e) {
            if (session.isConnected()) {
                throw e;
            }
            // the connection died while idle: the command has not started, so it is safe to connect again
            session = sessions.connection(target).session();
            ch = open(session, RemoteCommand.wrap(command));
        }
        try {
            out = new OutputCapture(ch.getInputStream(), false, output, pid);
            err = new OutputCapture(ch.getErrStream(), true, output, line -> false);
            out.start();
            err.start();
            ch.connect((int) sessions.options().connectTimeout().toMillis());
        } catch (JSchException | IOException e) {
            ch.disconnect();
            throw lostOr(session, "cannot start the command: " + e.getMessage(), e);
        }
        long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
        boolean timedOut = false;
        try {
            while (!ch.isClosed() && session.isConnected()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    timedOut = true;
                    break;
                }
                if (out.ended()) {
                    Thread.sleep(1); // the exit status and the close follow the end of the output at once
                } else {
                    out.join(Math.max(1, Math.min(50, left / 1_000_000)));
                }
            }
        } catch (InterruptedException e) {
            kill(session, pid.await(out, GRACE_MS / 2));
            ch.disconnect();
            throw e;
        }
        if (timedOut) {
            kill(session, pid.await(out, GRACE_MS / 2));
            awaitClosed(ch, KILL_WAIT_MS);
        }
        boolean finished = ch.isClosed() && (ch.getExitStatus() != -1 || ch.getExitSignal() != null);
        if (!timedOut && !finished) {
            // a server going away closes the channel a moment before the socket: wait for the socket to tell
            awaitDisconnected(session, GRACE_MS);
        }
        if (!timedOut && !finished) {
            ch.disconnect();
            sessions.lost(target, session);
            String tail = err.text().isEmpty() ? out.text() : err.text();
            String what = session.isConnected() ? "the command's channel closed without an exit status"
                    : "the connection was lost while running the command";
            throw new SshException("ssh " + target.describe() + ": " + what + ": "
                    + command + (tail.isEmpty() ? "" : " (last output: " + lastLine(tail) + ")")
                    + "; whether it finished on the host is not known");
        }
        out.join(GRACE_MS);
        err.join(GRACE_MS);
        int code = timedOut ? -1 : ch.getExitStatus() != -1 ? ch.getExitStatus()
                : ch.getExitSignal() != null ? RemoteCommand.signalled(ch.getExitSignal()) : -1;
        ch.disconnect();
        return new CommandResult(code, out.text(), err.text(), timedOut, Duration.ofNanos(System.nanoTime() - start));
    }

    private ChannelExec open(Session session, String command) {
        try {
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command);
            return ch;
        } catch (JSchException e) {
            throw new SshException("ssh " + target.describe() + ": cannot open a channel: " + e.getMessage(), e);
        }
    }

    private SshException lostOr(Session session, String message, Exception e) {
        if (!session.isConnected()) {
            sessions.lost(target, session);
            return new SshException("ssh " + target.describe() + ": the connection was lost: " + e.getMessage(), e);
        }
        return new SshException("ssh " + target.describe() + ": " + message, e);
    }

    /** Kills the remote process {@code pid} and its descendants on a channel of its own, waiting for it. */
    private void kill(Session session, long pid) {
        if (pid <= 0 || !session.isConnected()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        ChannelExec k = null;
        try {
            k = (ChannelExec) session.openChannel("exec");
            k.setCommand(RemoteCommand.kill(pid));
            k.setInputStream(null);
            InputStream drain = k.getInputStream();
            k.connect((int) sessions.options().connectTimeout().toMillis());
            awaitClosed(k, KILL_WAIT_MS);
            drain.close();
        } catch (JSchException | IOException | InterruptedException e) {
            // the command is reported as killed; a host that cannot be reached keeps what it runs
        } finally {
            if (k != null) {
                k.disconnect();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitDisconnected(Session session, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (session.isConnected() && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
    }

    private static void awaitClosed(com.jcraft.jsch.Channel ch, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!ch.isClosed() && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
    }

    private static String lastLine(String text) {
        int i = text.lastIndexOf('\n');
        return i < 0 ? text : text.substring(i + 1);
    }

    /**
     * Copies {@code local} to {@code remote} over SFTP: to a temporary name beside it first, then renamed over it,
     * so the file is either the old one or the whole new one.
     *
     * @param mode octal permissions such as {@code 0640}; null keeps those of the file replaced
     */
    @Override
    public void upload(Path local, String remote, String mode) {
        SshSessions.Connection c = sessions.connection(target);
        permit(c, "upload of " + local);
        try {
            new Sftp(c, sessions).upload(local, remote, mode);
        } finally {
            c.channels().release();
        }
    }

    /** Copies {@code remote} to {@code local} over SFTP: to a temporary file beside it first, then moved over it. */
    @Override
    public void download(String remote, Path local) {
        SshSessions.Connection c = sessions.connection(target);
        permit(c, "download of " + remote);
        try {
            new Sftp(c, sessions).download(remote, local);
        } finally {
            c.channels().release();
        }
    }

    private void permit(SshSessions.Connection c, String what) {
        try {
            c.channels().acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("ssh " + target.describe() + ": " + what + " was interrupted", e);
        }
    }

    /** The address as the runbook wrote it. */
    @Override
    public String host() {
        return address.toString();
    }

    public SshAddress address() {
        return address;
    }
}
