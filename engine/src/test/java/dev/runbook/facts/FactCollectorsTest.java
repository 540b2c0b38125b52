package dev.runbook.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.runbook.Runbooks;
import dev.runbook.diag.RunbookException;
import dev.runbook.exec.RunFixture;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of fact this version collects, against a real HTTP server, real commands and real files: its value. */
class FactCollectorsTest {

    @TempDir
    Path tmp;

    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The collector of a runbook whose {@code facts:} block is {@code facts}, params bound from {@code sets}. */
    LocalFactCollector collector(String params, String facts, String... sets) {
        String yaml = "runbook: facts-test\nversion: 1\n"
                + (params.isEmpty() ? "" : "params:\n" + params.indent(2))
                + "targets:\n  app: { ssh: \"deploy@app.example.com\" }\n"
                + "facts:\n" + facts.indent(2)
                + "steps:\n  - id: a\n    run: \"true\"\n";
        Path file = RunFixture.runbook(tmp, "facts.yml", yaml);
        Runbook runbook = Runbooks.require(file);
        Map<String, String> set = new LinkedHashMap<>();
        for (String s : sets) {
            set.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        BoundParams bound = Runbooks.bind(runbook, new ParamBinder.Inputs(List.of(), set, Map.of()));
        return new LocalFactCollector(runbook, FactRoots.of(runbook, bound, Map.of(), "run-1",
                System.currentTimeMillis(), false));
    }

    Object collect(LocalFactCollector c, String name) {
        return c.collect(Runbooks.require(tmp.resolve("facts.yml")).facts().get(name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v) {
        assertThat(v).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    // ---- http

    @Test
    void anHttpFactIsStatusHeadersBodyJsonElapsedAndOk() {
        var c = collector("port: { type: integer }", """
                health: { http: { url: "http://127.0.0.1:${params.port}/health" } }
                text:   { http: { url: "http://127.0.0.1:${params.port}/text" } }
                down:   { http: { url: "http://127.0.0.1:${params.port}/down" } }
                """, "port=" + server.port());

        Map<String, Object> health = map(collect(c, "health"));
        assertThat(health).containsOnlyKeys("status", "headers", "body", "json", "elapsed", "ok");
        assertThat(health.get("status")).isEqualTo(200);
        assertThat(health.get("ok")).isEqualTo(true);
        assertThat(map(health.get("headers"))).containsEntry("x-served-by", "test")
                .containsEntry("content-type", "application/json");
        assertThat((String) health.get("body")).contains("\"agents\": \"healthy\"");
        Map<String, Object> json = map(health.get("json"));
        assertThat(json).containsEntry("status", "ok").containsEntry("version", 42);
        assertThat(map(json.get("services"))).containsEntry("agents", "healthy");
        assertThat(health.get("elapsed")).isInstanceOf(Long.class);
        assertThat((Long) health.get("elapsed")).isBetween(0L, 5000L);

        Map<String, Object> text = map(collect(c, "text"));
        assertThat(text.get("body")).isEqualTo("hello, not json");
        assertThat(text.get("json")).isNull();

        // an answer is a value, whatever its status: only no answer is a failure
        Map<String, Object> down = map(collect(c, "down"));
        assertThat(down.get("status")).isEqualTo(503);
        assertThat(down.get("ok")).isEqualTo(false);
        assertThat(map(down.get("json"))).containsEntry("status", "down");
    }

    @Test
    void anHttpFactSendsItsMethodHeadersAndBodyRenderedFromTheParams() {
        var c = collector("""
                port:  { type: integer }
                token: { type: string, secret: true }
                """, """
                echo:
                  http:
                    url: "http://127.0.0.1:${params.port}/echo"
                    method: POST
                    headers: { Authorization: "Bearer ${params.token}" }
                    body: "release ${params.port}"
                """, "port=" + server.port(), "token=tok-123");

        Map<String, Object> json = map(map(collect(c, "echo")).get("json"));
        assertThat(json).containsEntry("method", "POST").containsEntry("auth", "Bearer tok-123")
                .containsEntry("body", "release " + server.port());
    }

    @Test
    void noConnectionIsAFailureThatSaysWhy() {
        int closed = server.port();
        server.close();
        var c = collector("", "health: { http: { url: \"http://127.0.0.1:" + closed + "/health\", timeout: 2s } }");

        assertThatThrownBy(() -> collect(c, "health")).isInstanceOf(RunbookException.class)
                .hasMessageStartingWith("fact 'health' cannot be collected: GET http://127.0.0.1:" + closed
                        + "/health failed: cannot connect")
                .hasMessageContaining("refused");
    }

    @Test
    void aSlowServerHitsTheFactsTimeout() {
        server.delayMs.set(3000);
        var c = collector("", "slow: { http: { url: \"" + server.url("/slow") + "\" }, timeout: 300ms }");

        long start = System.nanoTime();
        Throwable t = catchThrowable(() -> collect(c, "slow"));
        long ms = (System.nanoTime() - start) / 1_000_000;

        assertThat(t).isInstanceOf(RunbookException.class).hasMessage("fact 'slow' cannot be collected: GET "
                + server.url("/slow") + " did not answer within 300ms");
        assertThat(ms).isLessThan(2500);
    }

    @Test
    void tlsIsVerifiedUnlessTheFactIsInsecure() throws Exception {
        HttpsServer https = httpsServer();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/health";
            var c = collector("", """
                    verified: { http: { url: "%s", timeout: 5s } }
                    trusting: { http: { url: "%s", timeout: 5s, insecure: true } }
                    """.formatted(url, url));

            assertThatThrownBy(() -> collect(c, "verified")).isInstanceOf(RunbookException.class)
                    .hasMessageStartingWith("fact 'verified' cannot be collected: GET " + url + " failed: TLS: ")
                    .hasMessageEndingWith("(insecure: true skips the certificate check)");
            Map<String, Object> v = map(collect(c, "trusting"));
            assertThat(v.get("status")).isEqualTo(200);
            assertThat(v.get("body")).isEqualTo("secure");
        } finally {
            https.stop(0);
        }
    }

    /** An HTTPS server with a self-signed certificate for another name than 127.0.0.1 (made by keytool). */
    private HttpsServer httpsServer() throws Exception {
        Path ks = tmp.resolve("server.p12");
        Process k = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=not-this-host.example", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(k.waitFor()).as(out).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ssl));
        s.createContext("/health", x -> {
            byte[] b = "secure".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        return s;
    }

    // ---- shell

    @Test
    void aShellFactIsItsStdoutParsedAsItSays() {
        var c = collector("", """
                text:   { shell: "printf 'v1.2.3\\n\\n'" }
                int:    { shell: "echo 42", parse: number }
                float:  { shell: "echo ' 2.5 '", parse: number }
                lines:  { shell: "printf 'a\\n\\nb c\\n'", parse: lines }
                json:   { shell: "echo '{\\"n\\": 1, \\"xs\\": [1, 2]}'", parse: json }
                kv:     { shell: "printf 'os=Linux\\n# comment\\nuser = deploy\\nnoise\\n'", parse: kv }
                """);

        assertThat(collect(c, "text")).isEqualTo("v1.2.3");
        assertThat(collect(c, "int")).isEqualTo(42L);
        assertThat(collect(c, "float")).isEqualTo(2.5);
        assertThat(collect(c, "lines")).isEqualTo(List.of("a", "b c"));
        assertThat(map(collect(c, "json"))).containsEntry("n", 1).containsEntry("xs", List.of(1, 2));
        assertThat(map(collect(c, "kv"))).isEqualTo(Map.of("os", "Linux", "user", "deploy"));
    }

    @Test
    void aShellFactQuotesEachInterpolatedValueAsOneWord() {
        var c = collector("""
                name: { type: string }
                """, """
                said: { shell: "echo ${params.name}" }
                """, "name=x; echo pwned $(id)");

        assertThat(collect(c, "said")).isEqualTo("x; echo pwned $(id)");
    }

    @Test
    void aShellFactThatFailsOrTakesTooLongSaysWhy() {
        var c = collector("", """
                failing: { shell: "echo partial; echo 'no such table' >&2; exit 3" }
                slow:    { shell: "sleep 5", timeout: 300ms }
                notnum:  { shell: "echo twelve", parse: number }
                hidden:  { shell: "echo hunter2-secret", parse: number, secret: true }
                """);

        assertThatThrownBy(() -> collect(c, "failing")).hasMessage("fact 'failing' cannot be collected: 'echo partial;"
                + " echo 'no such table' >&2; exit 3' exited with code 3: no such table");
        long start = System.nanoTime();
        assertThatThrownBy(() -> collect(c, "slow")).hasMessage("fact 'slow' cannot be collected: 'sleep 5' timed out"
                + " after 300ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);
        assertThatThrownBy(() -> collect(c, "notnum")).hasMessage("fact 'notnum' cannot be collected: parse: number,"
                + " but the output is not a number: 'twelve'");
        assertThatThrownBy(() -> collect(c, "hidden")).hasMessageNotContaining("hunter2")
                .hasMessageContaining("(the fact is secret)");
    }

    // ---- file

    @Test
    void aFileFactIsExistsSizeMtimeTextAndJson() throws IOException {
        Path revision = tmp.resolve("REVISION");
        Files.writeString(revision, "abc123\n");
        Files.setLastModifiedTime(revision, FileTime.fromMillis(1_700_000_000_000L));
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"replicas\": 3}");
        var c = collector("", """
                revision: { file: { path: "%s" } }
                config:   { file: { path: "%s" }, parse: json }
                missing:  { file: { path: "%s" }, parse: json }
                """.formatted(revision, config, tmp.resolve("nope")));

        Map<String, Object> r = map(collect(c, "revision"));
        assertThat(r).containsOnlyKeys("exists", "size", "mtime", "text").containsEntry("exists", true)
                .containsEntry("size", 7L).containsEntry("mtime", 1_700_000_000_000L).containsEntry("text", "abc123");
        assertThat(map(map(collect(c, "config")).get("json"))).containsEntry("replicas", 3);
        Map<String, Object> missing = map(collect(c, "missing"));
        assertThat(missing).containsEntry("exists", false).containsEntry("size", 0L).containsEntry("text", null)
                .containsEntry("json", null);
    }

    // ---- logs

    @Test
    void aLogsFactCountsTheMatchingLinesSinceAPointInTime() throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        LocalDateTime now = LocalDateTime.now();
        Path log = tmp.resolve("app.log");
        Files.writeString(log, String.join("\n",
                f.format(now.minusHours(3)) + " ERROR old failure",
                "    at a stack trace line saying ERROR, dated by the line above",
                f.format(now.minusHours(2)) + " INFO fine",
                "E, [" + now.minusMinutes(5).toString() + " #12] ERROR -- : recent failure",
                "    ERROR continued, dated by the line above",
                f.format(now.minusMinutes(1)) + ",123 FATAL very recent",
                f.format(now.minusMinutes(1)) + " INFO not matching") + "\n");
        Path plain = tmp.resolve("plain.log");
        Files.writeString(plain, "INFO started\nERROR one\nERROR two\nINFO done\n");
        var c = collector("", """
                hour:     { logs: { file: "%s", pattern: "ERROR|FATAL", since: 1h } }
                day:      { logs: { file: "%s", pattern: "ERROR|FATAL", since: 24h } }
                run:      { logs: { file: "%s", pattern: "ERROR|FATAL" } }
                dated:    { logs: { file: "%s", pattern: "ERROR|FATAL", since: "%s" } }
                plain:    { logs: { file: "%s", pattern: "ERROR", since: 1m } }
                command:  { logs: { command: "cat %s", pattern: "FATAL", since: 1h } }
                missing:  { logs: { file: "%s", pattern: "ERROR" } }
                docker:   { logs: { container: web, pattern: "ERROR" } }
                """.formatted(log, log, log, log, now.minusHours(2).minusMinutes(30).toString().substring(0, 19),
                plain, log, tmp.resolve("nope.log")));

        assertThat(collect(c, "hour")).isEqualTo(3L);
        assertThat(collect(c, "day")).isEqualTo(5L);
        assertThat(collect(c, "run")).as("since the run started: nothing was logged since").isEqualTo(0L);
        assertThat(collect(c, "dated")).isEqualTo(3L);
        assertThat(collect(c, "plain")).as("lines without timestamps all count").isEqualTo(2L);
        assertThat(collect(c, "command")).isEqualTo(1L);
        assertThatThrownBy(() -> collect(c, "missing")).hasMessage("fact 'missing' cannot be collected: no such file: "
                + tmp.resolve("nope.log"));
        assertThatThrownBy(() -> collect(c, "docker")).hasMessageStartingWith("fact 'docker' cannot be collected:"
                + " Docker logs come with the Docker targets");
    }

    // ---- what this version does not collect (sql and redis: SqlRedisFactsTest; websocket: WebSocketFactTest)

    @Test
    void factsOnRemoteTargetsFailSayingSo() {
        var c = collector("", """
                remote: { on: app, shell: "uptime" }
                """);

        assertThatThrownBy(() -> collect(c, "remote")).hasMessage("fact 'remote' cannot be collected: it is collected"
                + " on target 'app' (ssh), and this collector was given no connections to targets");
    }

    @Test
    void secretParamsInAFactAreMaskedInItsFailure() {
        var c = collector("token: { type: string, secret: true }", """
                api: { http: { url: "http://127.0.0.1:1/${params.token}/health", timeout: 2s } }
                cmd: { shell: "echo ${params.token} >&2; exit 1" }
                """, "token=tok-very-secret");

        assertThat(catchThrowable(() -> collect(c, "api"))).hasMessageContaining("http://127.0.0.1:1/***/health")
                .hasMessageNotContaining("tok-very-secret");
        assertThat(catchThrowable(() -> collect(c, "cmd"))).hasMessageNotContaining("tok-very-secret")
                .hasMessageContaining("exited with code 1: ***");
    }
}
