package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.Http;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@code http} fact: one request, its answer as {@code status}, {@code headers} (names in lower case, repeated
 * values joined with {@code ", "}), {@code body}, {@code json} (the body parsed, or null when it is not JSON),
 * {@code elapsed} (ms, until the whole body came) and {@code ok} (a 2xx status). Redirects are followed. TLS
 * certificates and host names are verified unless the fact says {@code insecure: true}. No answer within the timeout,
 * or no connection, is a failure that says so.
 */
final class HttpFact {

    private final Http http;

    HttpFact(Http http) {
        this.http = http;
    }

    Map<String, Object> collect(FactSource.Http h, Duration timeout, FactRoots roots) {
        String shown = h.method() + " " + roots.show(h.url(), false);
        Map<String, String> headers = new LinkedHashMap<>();
        h.headers().forEach((k, v) -> headers.put(k, roots.render(v, false)));
        String body = h.body() == null ? null : roots.render(h.body(), false);
        Http.Answer r;
        try {
            r = http.send(h.method(), roots.render(h.url(), false), headers, body, timeout, h.insecure());
        } catch (IllegalArgumentException e) {
            throw new RunbookException(shown + ": not a request that can be sent: " + roots.mask(e.getMessage()));
        } catch (Http.NoAnswer e) {
            throw new RunbookException(shown + " did not answer within " + Durations.format(timeout));
        } catch (IOException e) {
            throw new RunbookException(shown + " failed: " + roots.mask(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunbookException(shown + ": interrupted");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", r.status());
        out.put("headers", new TreeMap<String, Object>(r.headers()));
        out.put("body", r.body());
        out.put("json", Parse.jsonOrNull(r.body()));
        out.put("elapsed", r.elapsedMs());
        out.put("ok", r.status() / 100 == 2);
        return out;
    }
}
