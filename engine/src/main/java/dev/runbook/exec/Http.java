package dev.runbook.exec;

import dev.runbook.model.Durations;
import java.io.IOException;
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
import java.util.Locale;
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
 * HTTP for steps and facts alike: redirects followed, TLS certificates and host names verified unless the request
 * says insecure, one timeout for the whole answer, and a failure worded for an operator. The clients are made on
 * first use (they are costly to start) and shared.
 */
public final class Http {

    /** The timeout of a request that names none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * An answer.
     *
     * @param headers names in lower case, repeated values joined with {@code ", "}
     * @param elapsedMs until the whole body came
     */
    public record Answer(int status, Map<String, String> headers, String body, long elapsedMs) {
    }

    /** No answer came within the timeout. */
    public static final class NoAnswer extends IOException {
        NoAnswer(String message) {
            super(message);
        }
    }

    private HttpClient verifying;
    private HttpClient trusting;

    /**
     * Sends a request; an {@link IOException} says in words why there is no answer ({@link NoAnswer} when it did not
     * come in time), an {@link IllegalArgumentException} that the request cannot be sent (a bad URL or header).
     *
     * @param timeout null for {@link #DEFAULT_TIMEOUT}
     */
    public Answer send(String method, String url, Map<String, String> headers, String body, Duration timeout,
                       boolean insecure) throws IOException, InterruptedException {
        Duration limit = timeout == null ? DEFAULT_TIMEOUT : timeout;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(limit)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> f = client(insecure).sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r;
        try {
            r = f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new NoAnswer("no answer within " + Durations.format(limit));
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw new IOException(why(e.getCause(), limit, insecure), e.getCause());
        }
        Map<String, String> names = new TreeMap<>();
        r.headers().map().forEach((k, v) -> names.merge(k.toLowerCase(Locale.ROOT), String.join(", ", v),
                (a, x) -> a + ", " + x));
        return new Answer(r.statusCode(), names, r.body(), (System.nanoTime() - start) / 1_000_000);
    }

    /** Why a request failed, in words. */
    public static String why(Throwable e, Duration timeout, boolean insecure) {
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
