package dev.runbook.facts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server in the test JVM, on a free loopback port: what http facts read.
 *
 * <ul>
 * <li>{@code /health}: 200, JSON {@code {"status": "ok", "services": {"agents": "healthy"}}}, header {@code X-Served-By}
 * <li>{@code /text}: 200, plain text
 * <li>{@code /down}: 503, JSON {@code {"status": "down"}}
 * <li>{@code /echo}: 200, the request's method, headers it was asked about and body, as JSON
 * <li>{@code /slow}: answers after {@link #delayMs} ms ({@code POST /slow/set?ms=N} sets it)
 * </ul>
 */
final class TestServer implements AutoCloseable {

    final HttpServer server;
    final AtomicLong delayMs = new AtomicLong();
    /** Requests to /slow being served right now, and the most there ever were at once. */
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });

    TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/health", x -> answer(x, 200, "application/json",
                "{\"status\": \"ok\", \"services\": {\"agents\": \"healthy\"}, \"version\": 42}",
                Map.of("X-Served-By", "test")));
        server.createContext("/text", x -> answer(x, 200, "text/plain", "hello, not json", Map.of()));
        server.createContext("/down", x -> answer(x, 503, "application/json", "{\"status\": \"down\"}", Map.of()));
        server.createContext("/echo", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = x.getRequestHeaders().getFirst("Authorization");
            answer(x, 200, "application/json", "{\"method\": \"" + x.getRequestMethod() + "\", \"auth\": \""
                    + (auth == null ? "" : auth) + "\", \"body\": \"" + body.replace("\"", "\\\"") + "\"}", Map.of());
        });
        server.createContext("/slow/set", x -> {
            String q = x.getRequestURI().getQuery();
            delayMs.set(Long.parseLong(q.substring(q.indexOf('=') + 1)));
            answer(x, 200, "text/plain", "delay " + delayMs.get(), Map.of());
        });
        server.createContext("/slow", x -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(delayMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            answer(x, 200, "application/json", "{\"status\": \"ok\"}", Map.of());
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void answer(HttpExchange x, int status, String type, String body, Map<String, String> headers)
            throws IOException {
        requests.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
        try {
            x.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException gone) {
            // the client gave up (a timeout test)
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
