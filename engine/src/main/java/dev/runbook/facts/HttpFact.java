package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An {@code http} fact: one request, its answer as {@code status}, {@code headers} (names in lower case, repeated
 * values joined with {@code ", "}), {@code body}, {@code json} (the body parsed, or null when it is not JSON),
 * {@code elapsed} (ms, until the whole body came) and {@code ok} (a 2xx status). Redirects are followed. TLS
 * certificates and host names are verified unless the fact says {@code insecure: true}. No answer within the timeout,
 * or no connection, is a failure that says so.
 */
final class HttpFact {

    private HttpClient verifying;
    private HttpClient trusting;

    Map<String, Object> collect(FactSource.Http h, Duration timeout, FactRoots roots) {
        String url = roots.render(h.url(), false);
        String shown = h.method() + " " + roots.show(h.url(), false);
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
            for (var e : h.headers().entrySet()) {
                b.header(e.getKey(), roots.render(e.getValue(), false));
            }
            String body = h.body() == null ? null : roots.render(h.body(), false);
            b.method(h.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
        } catch (IllegalArgumentException e) {
            throw new RunbookException(shown + ": not a request that can be sent: " + roots.mask(e.getMessage()));
        }
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> f = client(h.insecure()).sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r;
        try {
            r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RunbookException(shown + " did not answer within " + Durations.format(timeout));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunbookException(shown + ": interrupted");
        } catch (ExecutionException e) {
            throw new RunbookException(shown + " failed: " + roots.mask(why(e.getCause(), timeout, h.insecure())));
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> headers = new TreeMap<>();
        r.headers().map().forEach((k, v) -> headers.merge(k.toLowerCase(java.util.Locale.ROOT), String.join(", ", v),
                (a, x) -> a + ", " + x));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.statusCode());
        out.put("headers", headers);
        out.put("body", r.body());
        out.put("json", Parse.jsonOrNull(r.body()));
        out.put("elapsed", elapsed);
        out.put("ok", r.statusCode() / 100 == 2);
        return out;
    }

    /** Why a request failed, in words. */
    static String why(Throwable e, Duration timeout, boolean insecure) {
        if (e instanceof HttpConnectTimeoutException) {
            return "could not connect within " + Durations.format(timeout);
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + Durations.format(timeout);
        }
        if (e instanceof SSLException) {
            return "TLS: " + message(e) + (insecure ? "" : " (insecure: true skips the certificate check)");
        }
        if (e instanceof ConnectException) {
            return "cannot connect: " + message(e);
        }
        return message(e);
    }

    /** The most telling message of an exception and its causes. */
    private static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage() + (t == e ? "" : " (" + e.getClass().getSimpleName() + ")");
            }
        }
        String name = e.getClass().getSimpleName();
        return e instanceof ConnectException ? "connection refused" : name;
    }

    private synchronized HttpClient client(boolean insecure) {
        if (insecure) {
            if (trusting == null) {
                trusting = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                        .sslContext(trustingEverything()).build();
            }
            return trusting;
        }
        if (verifying == null) {
            verifying = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return verifying;
    }

    /**
     * A TLS context that accepts any certificate for any host: only for a fact that says {@code insecure: true}. An
     * {@link X509ExtendedTrustManager} of its own, because the JDK checks host names in the trust manager.
     */
    private static SSLContext trustingEverything() {
        TrustManager all = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {all}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
