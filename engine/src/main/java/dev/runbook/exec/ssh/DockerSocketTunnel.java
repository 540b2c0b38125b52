package dev.runbook.exec.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A unix socket on this machine that leads to a Docker engine's socket on an SSH host ({@link HostSocketStreams}):
 * each connection made to the local socket is one stream over an SSH connection to the host. The local socket lives
 * in a directory only this user may enter, so that no other local user reaches the engine (root's power on that
 * host), and is removed on {@link #close()}.
 */
public final class DockerSocketTunnel implements AutoCloseable {

    private final HostSocketStreams streams;
    private final String describe;
    private final Path dir;
    private final Path local;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DockerSocketTunnel(HostSocketStreams streams, String describe) throws IOException {
        this.streams = streams;
        this.describe = describe;
        this.dir = Files.createTempDirectory("runbook-tunnel-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        this.local = dir.resolve("docker.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(local));
    }

    /**
     * Opens the local end, once the engine was found to answer at {@code socket} on the host: a missing socket, a
     * user who may not use it or a server that reaches it neither way is said now, once, in words.
     *
     * @throws SshException when the engine cannot be reached
     */
    static DockerSocketTunnel open(SshSessions sessions, Target target, String socket) {
        HostSocketStreams streams = new HostSocketStreams(sessions, target, socket);
        streams.probe();
        DockerSocketTunnel t;
        try {
            t = new DockerSocketTunnel(streams, "unix://" + socket + " on " + target.describe() + ", "
                    + (streams.way() == HostSocketStreams.Way.FORWARD ? "forwarded by SSH"
                    : "through docker system dial-stdio over SSH"));
        } catch (IOException e) {
            throw new SshException("cannot make a local socket for the Docker engine at " + socket + " on "
                    + target.describe() + ": " + e.getMessage(), e);
        }
        daemon(t::accept, "runbook-tunnel " + target.host());
        return t;
    }

    /** The local socket's path. */
    public Path socket() {
        return local;
    }

    /** {@code unix:///var/run/docker.sock on deploy@app1 (10.0.0.5:22), forwarded by SSH}, for messages. */
    public String describe() {
        return describe;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                daemon(() -> relay(client), "runbook-tunnel-in");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies both ways between one local connection and its stream until both sides have ended. */
    private void relay(SocketChannel client) {
        HostSocketStreams.Stream stream = null;
        try {
            stream = streams.open();
            HostSocketStreams.Stream s = stream;
            Thread back = daemon(() -> copyBack(s, client), "runbook-tunnel-out");
            ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
            while (client.read(buf) > 0) {
                s.toHost().write(buf.array(), 0, buf.position());
                s.toHost().flush();
                buf.clear();
            }
            s.toHost().close(); // EOF to the engine; its answer still comes back
            back.join();
        } catch (IOException | RuntimeException e) {
            // the engine's client sees its connection end, and reports that
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (stream != null) {
                stream.channel().disconnect();
            }
            open.remove(client);
            closeQuietly(client);
        }
    }

    private static void copyBack(HostSocketStreams.Stream s, SocketChannel client) {
        byte[] buf = new byte[32 * 1024];
        try {
            for (int n; (n = s.fromHost().read(buf)) >= 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    client.write(b);
                }
            }
            client.shutdownOutput();
        } catch (IOException e) {
            s.channel().disconnect();
            closeQuietly(client);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing after an error: nothing more to tell
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // going away anyway
        }
        open.forEach(DockerSocketTunnel::closeQuietly);
        open.clear();
        try {
            Files.deleteIfExists(local);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is the worst of it
        }
    }
}
