package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code websocket} fact: connects to {@code url} ({@code ws://} or {@code wss://}, TLS always verified), sends
 * {@code subscribe} when given, and waits for a text message matching {@code expect} (a regular expression found
 * anywhere in the message; any message when there is none) within the timeout. Its value is
 * {@code {ok, message, elapsed, error}}: a refused connection, a failed handshake, a server that closes or does not
 * send a matching message in time is {@code ok: false} with the reason in {@code error}, not a failure to collect, so
 * that a check over {@code facts.NAME.ok} fails saying why. A URL or pattern that cannot be used is a failure.
 */
final class WebSocketFact {

    private HttpClient client;

    Map<String, Object> collect(FactSource.WebSocket w, Duration timeout, FactRoots roots) {
        String url = roots.render(w.url(), false);
        String shown = roots.show(w.url(), false);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new RunbookException(shown + ": not a URL: " + roots.mask(e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new RunbookException(shown + ": a websocket URL starts with ws:// or wss://");
        }
        Pattern expect;
        try {
            expect = w.expect() == null ? null : Pattern.compile(w.expect());
        } catch (PatternSyntaxException e) {
            throw new RunbookException("expect is not a regular expression: " + e.getDescription());
        }
        String subscribe = w.subscribe() == null ? null : roots.render(w.subscribe(), false);

        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        CompletableFuture<String> matched = new CompletableFuture<>();
        AtomicInteger seen = new AtomicInteger();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                parts.append(data);
                if (last) {
                    String m = parts.toString();
                    parts.setLength(0);
                    seen.incrementAndGet();
                    if (expect == null || expect.matcher(m).find()) {
                        matched.complete(m);
                    }
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                matched.completeExceptionally(new RunbookException("the server closed the connection (" + status
                        + (reason == null || reason.isBlank() ? "" : ": " + reason) + ")"));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                matched.completeExceptionally(error);
            }
        };

        Map<String, Object> out = new LinkedHashMap<>();
        WebSocket socket = null;
        CompletableFuture<WebSocket> connecting = client().newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(uri, listener);
        String phase = "connect";
        try {
            socket = connecting.get(left(deadline), TimeUnit.NANOSECONDS);
            if (subscribe != null) {
                phase = "subscribe";
                socket.sendText(subscribe, true).get(left(deadline), TimeUnit.NANOSECONDS);
            }
            phase = "expect";
            String message = matched.get(left(deadline), TimeUnit.NANOSECONDS);
            out.put("ok", true);
            out.put("message", message);
            out.put("error", null);
        } catch (TimeoutException e) {
            connecting.cancel(true);
            String why = switch (phase) {
                case "connect" -> "could not connect within " + Durations.format(timeout);
                case "subscribe" -> "could not send subscribe within " + Durations.format(timeout);
                default -> "no message" + (expect == null ? "" : " matching /" + expect.pattern() + "/")
                        + " within the timeout of " + Durations.format(timeout)
                        + (seen.get() == 0 ? " (none came)" : " (" + seen.get() + " other message(s) came)");
            };
            fail(out, shown + ": " + why);
        } catch (InterruptedException e) {
            connecting.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunbookException(shown + ": interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof RunbookException r ? r.getMessage()
                    : dev.runbook.exec.Http.why(cause, timeout, true);
            fail(out, shown + ": " + roots.mask(why));
        } finally {
            if (socket != null) {
                socket.abort();
            }
        }
        out.put("elapsed", (System.nanoTime() - start) / 1_000_000);
        return out;
    }

    private static void fail(Map<String, Object> out, String error) {
        out.put("ok", false);
        out.put("message", null);
        out.put("error", error);
    }

    private static long left(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newHttpClient();
        }
        return client;
    }
}
