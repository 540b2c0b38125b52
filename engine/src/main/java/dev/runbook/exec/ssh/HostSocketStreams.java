package dev.runbook.exec.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Byte streams to a Docker engine's unix socket on an SSH host, over an SSH connection to it. The socket is
 * forwarded ({@code direct-streamlocal@openssh.com}, as {@code ssh -L}) when the server allows it; a server that
 * forwards nothing ({@code AllowTcpForwarding no}, common on hardened hosts, refuses sockets too) is asked instead to
 * run {@code docker system dial-stdio}, which is what Docker's own {@code ssh://} hosts do.
 */
final class HostSocketStreams {

    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** How the socket is reached. */
    enum Way { FORWARD, DIAL_STDIO }

    /** One connection to the socket: its two directions, and what the host said on stderr (dial-stdio). */
    record Stream(Channel channel, InputStream fromHost, OutputStream toHost, ByteArrayOutputStream errors) {
    }

    private final SshSessions sessions;
    private final Target target;
    private final String socket;
    private volatile Way way;

    HostSocketStreams(SshSessions sessions, Target target, String socket) {
        this.sessions = sessions;
        this.target = target;
        this.socket = socket;
    }

    /**
     * Finds how the socket is reached (forwarded, else through dial-stdio) and that the engine answers there.
     *
     * @throws SshException naming what to check, when it is reached neither way
     */
    void probe() {
        sessions.connection(target); // a host that cannot be reached or logged in to is said as such
        way = Way.FORWARD;
        Stream forwarded;
        try {
            forwarded = open();
        } catch (SshException refusedHere) {
            way = Way.DIAL_STDIO;
            try {
                answers(open());
            } catch (SshException e) {
                throw refused(refusedHere.getMessage(), e.getMessage());
            }
            return;
        }
        try {
            answers(forwarded);
        } catch (SshException e) {
            throw new SshException("the socket " + socket + " on " + target.describe() + " is reached over SSH but"
                    + " does not answer as a Docker engine (" + e.getMessage() + "); check that it is the engine's"
                    + " socket", e);
        }
    }

    private SshException refused(String forward, String dial) {
        return new SshException("cannot reach the Docker engine's socket " + socket + " on " + target.describe()
                + ": the SSH server did not forward it (" + forward + ") and `docker system dial-stdio` there did not"
                + " reach it (" + dial + "); check that the socket exists, that " + target.user() + " may use it (the"
                + " group docker), and that the server allows forwarding (AllowTcpForwarding and"
                + " AllowStreamLocalForwarding) or has the docker CLI");
    }

    /**
     * Sends a {@code HEAD /_ping} on the stream and wants an HTTP answer within {@link #CONNECT_TIMEOUT_MS} (a socket
     * that takes the request and never answers would otherwise hold the run); closes the stream.
     */
    private void answers(Stream s) {
        AtomicBoolean over = new AtomicBoolean();
        CompletableFuture.delayedExecutor(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS).execute(() -> {
            if (over.compareAndSet(false, true)) {
                s.channel().disconnect(); // ends the read below
            }
        });
        String got;
        try {
            s.toHost().write("HEAD /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.toHost().flush();
            byte[] head = new byte[7];
            int n = 0;
            for (int r; n < head.length && (r = s.fromHost().read(head, n, head.length - n)) > 0; ) {
                n += r;
            }
            got = new String(head, 0, n, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            got = "";
        } finally {
            boolean timedOut = !over.compareAndSet(false, true);
            s.channel().disconnect();
            if (timedOut) {
                throw new SshException("no answer from the socket within " + CONNECT_TIMEOUT_MS / 1000 + " s");
            }
        }
        if (!got.equals("HTTP/1.")) {
            String err = s.errors() == null ? "" : s.errors().toString(StandardCharsets.UTF_8).strip();
            throw new SshException(!err.isEmpty() ? err.lines().findFirst().orElse(err)
                    : got.isEmpty() ? "the socket closed without an answer"
                    : "the socket answered, but not in HTTP: not a Docker engine's");
        }
    }

    /** A connected stream to the socket, the way {@link #probe()} found; opened again once on a lost connection. */
    Stream open() {
        for (int attempt = 1; ; attempt++) {
            Session session = sessions.connection(target).session();
            try {
                return way == Way.FORWARD ? forward(session) : dial(session);
            } catch (JSchException | IOException e) {
                if (!session.isConnected() && attempt == 1) {
                    sessions.lost(target, session);
                    continue;
                }
                throw new SshException(way == Way.FORWARD ? "forwarding refused: " + e.getMessage()
                        : e.getMessage(), e);
            }
        }
    }

    private Stream forward(Session session) throws JSchException, IOException {
        ChannelDirectStreamLocal ch = (ChannelDirectStreamLocal) session.openChannel("direct-streamlocal@openssh.com");
        ch.setSocketPath(socket);
        InputStream in = ch.getInputStream(); // before connect: nothing the host sends is missed
        OutputStream out = ch.getOutputStream();
        ch.connect(CONNECT_TIMEOUT_MS);
        return new Stream(ch, in, out, null);
    }

    private Stream dial(Session session) throws JSchException, IOException {
        ChannelExec ch = (ChannelExec) session.openChannel("exec");
        ch.setCommand("DOCKER_HOST=" + dev.runbook.expr.ShellQuote.quote("unix://" + socket) + " exec docker system dial-stdio");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        ch.setErrStream(errors, true);
        InputStream in = ch.getInputStream();
        OutputStream out = ch.getOutputStream();
        ch.connect(CONNECT_TIMEOUT_MS);
        return new Stream(ch, in, out, errors);
    }

    Way way() {
        return way;
    }
}
