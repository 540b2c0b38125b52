package dev.runbook.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.exec.RunFixture;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The websocket fact against a minimal RFC 6455 server in this JVM (the JDK has a WebSocket client, no server). */
class WebSocketFactTest {

    @TempDir
    Path tmp;

    WsServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    Map<String, Object> collect(String spec, String... sets) {
        String yaml = "runbook: ws-test\nversion: 1\nparams:\n  port: { type: integer, required: true }\n"
                + "  channel: { type: string, default: Chat }\n"
                + "facts:\n  cable: " + spec + "\n"
                + "steps:\n  - id: a\n    run: \"true\"\n";
        Path file = RunFixture.runbook(tmp, "ws.yml", yaml);
        Runbook runbook = Runbooks.require(file);
        Map<String, String> set = new java.util.LinkedHashMap<>();
        for (String s : sets) {
            set.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        BoundParams bound = Runbooks.bind(runbook, new ParamBinder.Inputs(List.of(), set, Map.of()));
        LocalFactCollector c = new LocalFactCollector(runbook, FactRoots.of(runbook, bound, Map.of(), "run-1",
                System.currentTimeMillis(), false));
        return FactCollectorsTest.map(c.collect(runbook.facts().get("cable")));
    }

    @Test
    void aGreetingMatchingExpectIsOkWithTheMessageAndElapsed() throws IOException {
        server = new WsServer(true);
        Map<String, Object> v = collect("{ websocket: { url: \"ws://127.0.0.1:${params.port}/cable\","
                + " expect: welcome, timeout: 5s } }", "port=" + server.port());
        assertThat(v).containsEntry("ok", true).containsEntry("message", "{\"type\":\"welcome\"}")
                .containsEntry("error", null);
        assertThat(((Number) v.get("elapsed")).longValue()).isBetween(0L, 5000L);
        assertThat(server.paths).containsExactly("/cable");
    }

    @Test
    void subscribeIsRenderedAndSentAndTheAnswerCanBeExpected() throws IOException {
        server = new WsServer(true);
        Map<String, Object> v = collect("{ websocket: { url: \"ws://127.0.0.1:${params.port}/cable\","
                + " subscribe: '{\"command\":\"subscribe\",\"channel\":\"${params.channel}\"}',"
                + " expect: confirm_subscription, timeout: 5s } }", "port=" + server.port());
        assertThat(v).containsEntry("ok", true);
        assertThat((String) v.get("message")).contains("confirm_subscription");
        assertThat(server.received).contains("{\"command\":\"subscribe\",\"channel\":\"Chat\"}");
    }

    @Test
    void aServerThatNeverGreetsIsNotOkAndSaysTheTimeout() throws IOException {
        server = new WsServer(false);
        long start = System.nanoTime();
        Map<String, Object> v = collect("{ websocket: { url: \"ws://127.0.0.1:${params.port}/cable\","
                + " expect: welcome }, timeout: 1s }", "port=" + server.port());
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(8000);
        assertThat(v).containsEntry("ok", false).containsEntry("message", null);
        assertThat((String) v.get("error")).contains("no message matching /welcome/").contains("timeout of 1s")
                .contains("ws://127.0.0.1:" + server.port() + "/cable");
    }

    @Test
    void aRefusedConnectionIsNotOkWithTheReason() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, Object> v = collect("{ websocket: { url: \"ws://127.0.0.1:${params.port}/cable\","
                + " expect: welcome, timeout: 3s } }", "port=" + port);
        assertThat(v).containsEntry("ok", false).containsEntry("message", null);
        assertThat((String) v.get("error")).contains("cannot connect");
    }

    /**
     * A WebSocket server good for one test: the RFC 6455 handshake, then (when {@code greets}) one unmasked text
     * frame {@code {"type":"welcome"}}; each text frame it receives is recorded and answered with
     * {@code {"type":"confirm_subscription"}}.
     */
    static final class WsServer implements AutoCloseable {

        final ServerSocket socket;
        final List<String> paths = new CopyOnWriteArrayList<>();
        final List<String> received = new CopyOnWriteArrayList<>();
        private final List<Socket> clients = new CopyOnWriteArrayList<>();
        private final boolean greets;

        WsServer(boolean greets) throws IOException {
            this.greets = greets;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "ws-test-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket c = socket.accept();
                    clients.add(c);
                    Thread t = new Thread(() -> serve(c), "ws-test-client");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket c) {
            try (c) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                String request = head(in);
                paths.add(request.lines().findFirst().orElse("").split(" ")[1]);
                String key = request.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (greets) {
                    text(out, "{\"type\":\"welcome\"}");
                }
                while (true) {
                    int b0 = in.read();
                    int b1 = in.read();
                    if (b0 < 0 || b1 < 0) {
                        return;
                    }
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = (in.read() << 8) | in.read();
                    } else if (len == 127) {
                        len = 0;
                        for (int i = 0; i < 8; i++) {
                            len = (len << 8) | in.read();
                        }
                    }
                    byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
                    byte[] payload = in.readNBytes((int) len);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    int opcode = b0 & 0x0f;
                    if (opcode == 8) {
                        return;
                    }
                    if (opcode == 1) {
                        received.add(new String(payload, StandardCharsets.UTF_8));
                        text(out, "{\"type\":\"confirm_subscription\"}");
                    }
                }
            } catch (Exception gone) {
                // the client went away
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("no request");
                }
                b.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                        ? state + 1 : 0;
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        private static synchronized void text(OutputStream out, String message) throws IOException {
            byte[] p = message.getBytes(StandardCharsets.UTF_8);
            out.write(0x81);
            out.write(p.length);
            out.write(p);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
