package dev.runbook.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTML report in a real browser: Debian's headless Chromium opens the page of a run whose trigger fired, driven
 * through the DevTools protocol (the JDK's WebSocket client). The page loads with no exception and no console or
 * log error, fetches nothing, and lays out: the body has a height, and the trigger's threshold line is visible, as
 * wide as the chart and at the bound's height between the chart's top and bottom. Skipped without
 * {@code /usr/bin/chromium}, unless {@code RUNBOOK_REQUIRE_ALL} is set (as {@code .ci/run} does): then it fails.
 */
class HtmlReportBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the page's layout says about the first trigger threshold of its charts, as JSON. */
    static final String MEASURE = """
            JSON.stringify((() => {
              const g = document.querySelector('svg.chart g.threshold.trigger');
              if (!g) {
                return { missing: 'no trigger threshold in ' + location.href + ': ' + document.body.innerText };
              }
              const line = g.querySelector('line.threshold');
              const svg = g.ownerSVGElement;
              const r = line.getBoundingClientRect(), p = svg.querySelector('rect.plot').getBoundingClientRect();
              const s = getComputedStyle(line);
              return { name: g.dataset.name, value: +g.dataset.value, yMin: +svg.dataset.yMin, yMax: +svg.dataset.yMax,
                width: r.width, y: r.top + r.height / 2, plotTop: p.top, plotBottom: p.bottom, plotWidth: p.width,
                stroke: s.stroke, visibility: s.visibility, display: s.display, opacity: +s.opacity,
                label: g.querySelector('text').getBoundingClientRect().width,
                body: document.body.getBoundingClientRect().height,
                bars: document.querySelectorAll('svg.timeline g.bar rect').length,
                fetched: performance.getEntriesByType('resource').length,
                scripts: document.scripts.length, title: document.title, href: location.href };
            })())""";

    @TempDir
    Path dir;

    @Test
    void thePageRendersInHeadlessChromiumWithTheThresholdLineAndNoErrors() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(CHROMIUM + " is missing, and RUNBOOK_REQUIRE_ALL says every test must run:"
                        + " apt-get install chromium");
            }
            Assumptions.abort(CHROMIUM + " is missing (apt-get install chromium)");
        }
        Path html = dir.resolve("report.html");
        RunFixture.Result run = HtmlReportTest.runSlowCanary(dir, html);
        assertThat(run.code()).as(run.console()).isEqualTo(1);

        Path profile = Files.createTempDirectory("runbook-chromium-");
        Process chromium = null;
        try {
            chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String url = devToolsUrl(chromium);
            try (DevTools browser = DevTools.connect(url)) {
                String target = browser.send("Target.createTarget", Map.of("url", "about:blank"), null)
                        .path("targetId").asString();
                String session = browser.send("Target.attachToTarget", Map.of("targetId", target, "flatten", true),
                        null).path("sessionId").asString();
                for (String domain : List.of("Runtime", "Log", "Page")) {
                    browser.send(domain + ".enable", Map.of(), session);
                }
                int before = browser.mark();
                browser.send("Page.navigate", Map.of("url", html.toUri().toString()), session);
                browser.await("Page.loadEventFired", session, before, 30);
                Thread.sleep(300);
                JsonNode result = browser.send("Runtime.evaluate", Map.of("expression", MEASURE,
                        "returnByValue", true), session);
                assertThat(result.has("exceptionDetails")).as(result.toString()).isFalse();
                JsonNode page = JSON.readTree(result.path("result").path("value").asString());
                assertThat(page.has("missing")).as(page.path("missing").asString()).isFalse();

                assertThat(browser.errors(session)).as("exceptions, console and log errors").isEmpty();
                assertThat(page.path("href").asString()).isEqualTo(html.toUri().toString());
                assertThat(page.path("title").asString()).startsWith("Run report: slow-canary ");
                assertThat(page.path("body").asDouble()).isGreaterThan(0);
                assertThat(page.path("scripts").asInt()).isZero();
                assertThat(page.path("fetched").asInt()).as("resources fetched: the page is self-contained").isZero();
                assertThat(page.path("bars").asInt()).as("healthy, deploy, watch, the rollback of deploy").isEqualTo(4);

                assertThat(page.path("name").asString()).isEqualTo("too slow");
                assertThat(page.path("visibility").asString()).isEqualTo("visible");
                assertThat(page.path("display").asString()).isNotEqualTo("none");
                assertThat(page.path("opacity").asDouble()).isEqualTo(1.0);
                assertThat(page.path("stroke").asString()).as("the trigger's red").isEqualTo("rgb(198, 40, 40)");
                assertThat(page.path("width").asDouble()).isGreaterThan(0)
                        .isCloseTo(page.path("plotWidth").asDouble(), org.assertj.core.data.Offset.offset(1.0));
                assertThat(page.path("label").asDouble()).as("its label is laid out").isGreaterThan(0);
                double top = page.path("plotTop").asDouble();
                double bottom = page.path("plotBottom").asDouble();
                double y = page.path("y").asDouble();
                assertThat(y).isStrictlyBetween(top, bottom);
                double expected = bottom - (bottom - top) * (page.path("value").asDouble() - page.path("yMin").asDouble())
                        / (page.path("yMax").asDouble() - page.path("yMin").asDouble());
                assertThat(y).as("at the bound's height on screen: " + page).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1.5));
            }
        } finally {
            if (chromium != null) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly();
                chromium.waitFor(10, TimeUnit.SECONDS);
            }
            deleteTree(profile);
        }
    }

    /** The browser's DevTools WebSocket URL, from its {@code DevTools listening on ws://...} line on stderr. */
    private static String devToolsUrl(Process chromium) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(chromium.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    if (line.startsWith("DevTools listening on ws://")) {
                        url.complete(line.substring("DevTools listening on ".length()).trim());
                    }
                }
            } catch (IOException e) {
                // the browser is gone
            }
            url.completeExceptionally(new AssertionError("chromium ended without a DevTools URL:\n" + seen));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (seen) {
                throw new AssertionError("chromium printed no DevTools URL in 30 s:\n" + seen);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A DevTools protocol client over one WebSocket: commands by id, events kept in order (flat sessions). */
    static final class DevTools implements WebSocket.Listener, AutoCloseable {

        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static DevTools connect(String url) throws Exception {
            DevTools d = new DevTools();
            d.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), d)
                    .get(10, TimeUnit.SECONDS);
            return d;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode m = JSON.readTree(partial.toString());
                partial.setLength(0);
                if (m.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(m.path("id").asInt());
                    if (f != null) {
                        f.complete(m);
                    }
                } else {
                    events.add(m);
                }
            }
            ws.request(1);
            return null;
        }

        /** Sends a command (to a page's session, or to the browser when null) and returns its result. */
        JsonNode send(String method, Map<String, Object> params, String session) throws Exception {
            int id = ids.incrementAndGet();
            Map<String, Object> message = new LinkedHashMap<>(Map.of("id", id, "method", method, "params", params));
            if (session != null) {
                message.put("sessionId", session);
            }
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            JsonNode m = answer.get(30, TimeUnit.SECONDS);
            if (m.has("error")) {
                throw new AssertionError(method + " failed: " + m.path("error"));
            }
            return m.path("result");
        }

        /** How many events came so far: {@link #await} waits for one after this mark. */
        int mark() {
            return events.size();
        }

        /** Waits for an event of the session that comes after the mark {@code after}. */
        void await(String method, String session, int after, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (events.stream().skip(after).anyMatch(e -> e.path("method").asString().equals(method)
                        && e.path("sessionId").asString().equals(session))) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + method + " in " + seconds + " s; events: " + events);
        }

        /** The session's exceptions, console errors and log errors, one line each. */
        List<String> errors(String session) {
            List<String> out = new ArrayList<>();
            for (JsonNode e : events) {
                if (!e.path("sessionId").asString().equals(session)) {
                    continue;
                }
                String method = e.path("method").asString();
                JsonNode p = e.path("params");
                if (method.equals("Runtime.exceptionThrown")
                        || method.equals("Runtime.consoleAPICalled") && p.path("type").asString().equals("error")
                        || method.equals("Log.entryAdded") && p.path("entry").path("level").asString().equals("error")) {
                    out.add(method + ": " + p);
                }
            }
            return out;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(t -> null).join();
        }
    }
}
