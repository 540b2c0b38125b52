package dev.runbook.exec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** HTTP for steps: one client per run, made on first use (it is costly to start). */
final class Http {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** An answer: status, body and how long it took. */
    record Answer(int status, String body, long elapsedMs) {
    }

    private HttpClient client;

    synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return client;
    }

    Answer send(String method, String url, Map<String, String> headers, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout == null ? DEFAULT_TIMEOUT : timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        long start = System.nanoTime();
        HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), (System.nanoTime() - start) / 1_000_000);
    }
}
