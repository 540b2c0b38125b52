package dev.runbook.exec.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP relay to a local port that can go silent, like a network that drops everything, without closing. */
final class FreezingProxy implements AutoCloseable {

    volatile boolean frozen;
    private final ServerSocket listener;

    FreezingProxy(int to) throws IOException {
        listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket a = listener.accept();
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), to);
                    relay(a, b);
                    relay(b, a);
                } catch (IOException e) {
                    return;
                }
            }
        }, "freezing-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void relay(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (!frozen) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "freezing-proxy-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
