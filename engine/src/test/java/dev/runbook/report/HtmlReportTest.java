package dev.runbook.report;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.journalFile;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import dev.runbook.exec.RunFixture;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code --html FILE.html} after real runs through the CLI: what a user sees in the page (the verdict, every step
 * in the timeline, the chart of the monitored fact with its threshold drawn at the bound's value and the moment
 * the trigger fired), that every text is escaped, and the errors of a page that cannot be written. The page is
 * well-formed XML too, so the test reads it with XPath as a browser lays it out.
 */
class HtmlReportTest {

    /**
     * A canary watched by a monitor: the service gets slow after 5 answers (the first one, a cold HTTP client's, in
     * the wait before the trigger is armed), and the trigger rolls the deploy back.
     */
    static final String SLOW_CANARY = """
            runbook: slow-canary
            version: 1
            params:
              port:   { type: integer, required: true }
              budget: { type: duration, default: 400ms }
            facts:
              health: { http: { url: "http://127.0.0.1:${params.port}/health", timeout: 5s } }
            rollback_on:
              - name: too slow
                when: "facts.health.elapsed > params.budget"
                armed_after: deploy
                message: the canary answers slower than the budget
              - name: over the measured limit
                when: "facts.health.elapsed > duration(steps.deploy.outputs.limit)"
                armed_after: deploy
            steps:
              - id: healthy
                wait: { until: "facts.health.status == 200", every: 100ms, within: 10s }
              - id: deploy
                name: Deploy the canary
                run: "echo deployed"
                outputs: { limit: "1h" }
                rollback:
                  - run: "echo undeployed"
              - id: watch
                name: Watch the canary
                monitor:
                  for: 20s
                  every: 100ms
                  failure_limit: 3
                  checks:
                    - name: answers 200
                      that: "200 == facts.health.status"
              - id: announce
                run: "echo never"
            """;

    @TempDir
    Path dir;

    /** A local HTTP server whose {@code /health} answers at once {@code fast} times, then after 900 ms. */
    static HttpServer slowingServer(int fast) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger served = new AtomicInteger();
        server.createContext("/health", x -> {
            if (served.incrementAndGet() > fast) {
                try {
                    Thread.sleep(900);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return server;
    }

    /** Runs {@link #SLOW_CANARY} in {@code dir} against a slowing server, writing the page to {@code html}. */
    static RunFixture.Result runSlowCanary(Path dir, Path html) throws IOException {
        Path file = runbook(dir, "slow-canary.yml", SLOW_CANARY);
        HttpServer server = slowingServer(5);
        try {
            return cli("exec", file.toString(), "--state-dir", dir.resolve("state").toString(), "--set",
                    "port=" + server.getAddress().getPort(), "--html", html.toString());
        } finally {
            server.stop(0);
        }
    }

    static Document parse(Path html) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(read(html))));
    }

    static List<Element> all(Document doc, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    static Element one(Document doc, String xpath) throws Exception {
        List<Element> found = all(doc, xpath);
        assertThat(found).as(xpath).hasSize(1);
        return found.get(0);
    }

    private static double num(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    @Test
    void aFactOverItsThresholdShowsInTheChartWithTheLineTheFiringAndTheTimeline() throws Exception {
        Path html = dir.resolve("out").resolve("report.html");
        RunFixture.Result r = runSlowCanary(dir, html);
        assertThat(r.code()).as(r.console()).isEqualTo(1);
        Document page = parse(html);
        List<JsonNode> events = journal(dir.resolve("state"), onlyRun(dir.resolve("state")));

        Element verdict = one(page, "//p[@id='verdict']");
        assertThat(verdict.getAttribute("class")).isEqualTo("verdict failed");
        assertThat(verdict.getTextContent()).startsWith("Failed and rolled back.")
                .contains("rollback trigger 'too slow' fired");

        List<String> bars = all(page, "//svg[@class='timeline']/g[starts-with(@class,'bar')]").stream()
                .map(b -> b.getAttribute("data-step") + " " + b.getAttribute("data-status") + ": "
                        + b.getElementsByTagName("text").item(0).getTextContent()).toList();
        assertThat(bars).containsExactly("healthy ok: healthy", "deploy rolled-back: deploy", "watch failed: watch",
                "deploy rolled-back: \u21a9 deploy #1");
        assertThat(one(page, "//svg[@class='timeline']/g[@class='fired']").getAttribute("data-trigger"))
                .isEqualTo("too slow");
        assertThat(one(page, "//tr[@data-step='watch']").getTextContent())
                .contains("stopped by a trigger", "the trigger 'too slow' fired during it");

        Element chart = one(page, "//svg[@data-fact='health.elapsed']");
        long collected = ofType(events, "fact.collected").stream().filter(e -> e.has("value")).count();
        assertThat(all(page, "//svg[@data-fact='health.elapsed']/circle[@class='point']")).hasSize((int) collected);
        Element threshold = one(page, "//svg[@data-fact='health.elapsed']/g[@class='threshold trigger']");
        assertThat(threshold.getAttribute("data-name")).isEqualTo("too slow");
        assertThat(threshold.getAttribute("data-value")).as("params.budget, 400ms, in ms").isEqualTo("400");
        assertThat(threshold.getTextContent()).isEqualTo("too slow (trigger): > 400 ms = params.budget");
        Element line = (Element) threshold.getElementsByTagName("line").item(0);
        Element plot = one(page, "//svg[@data-fact='health.elapsed']/rect[@class='plot']");
        double bottom = num(plot, "y") + num(plot, "height");
        double expected = bottom - num(plot, "height") * (400 - num(chart, "data-y-min"))
                / (num(chart, "data-y-max") - num(chart, "data-y-min"));
        assertThat(num(line, "y1")).as("the line at 400 on the chart's scale").isCloseTo(expected, within(0.1))
                .isEqualTo(num(line, "y2"));

        JsonNode fired = ofType(events, "trigger.fired").get(0);
        Element marker = one(page, "//svg[@data-fact='health.elapsed']/g[@class='fired']");
        assertThat(marker.getAttribute("data-trigger")).isEqualTo("too slow");
        assertThat(Double.parseDouble(marker.getAttribute("data-value")))
                .isEqualTo(fired.path("values").path("facts.health.elapsed").asDouble()).isGreaterThan(400);
        assertThat(marker.getTextContent()).contains("fired: too slow");

        String caption = one(page, "//figure[svg/@data-fact='health.elapsed']/figcaption").getTextContent();
        assertThat(caption).contains("Not drawn: over the measured limit facts.health.elapsed >"
                + " duration(steps.deploy.outputs.limit): the bound reads steps.deploy.outputs.limit, which the"
                + " report does not know.");
        Element status = one(page, "//svg[@data-fact='health.status']/g[@class='threshold check']");
        assertThat(status.getAttribute("data-name")).isEqualTo("answers 200");
        assertThat(status.getTextContent()).as("the mirrored 200 == facts...").isEqualTo("answers 200 (check of watch): == 200");

        Files.writeString(dir.resolve("slow-canary.yml"), "\n# edited after the run\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path again = dir.resolve("again.html");
        assertThat(new ReportFiles(null, null, null, again).write(journalFile(dir.resolve("state"),
                onlyRun(dir.resolve("state"))))).isEmpty();
        Document edited = parse(again);
        assertThat(all(edited, "//g[@class='threshold trigger']")).as("no threshold from another file").isEmpty();
        assertThat(one(edited, "//figure[svg/@data-fact='health.elapsed']/figcaption").getTextContent())
                .contains("No threshold drawn: " + dir.resolve("slow-canary.yml") + " changed since the run");
    }

    @Test
    void everyTextIsEscapedAndSecretsStayMasked() throws Exception {
        Path file = runbook(dir, "odd.yml", """
                runbook: odd
                version: 1
                params:
                  token: { type: string, secret: true, default: hunter2 }
                steps:
                  - id: noisy
                    name: "<script>alert('step')</script> & co"
                    run: "printf '<img src=x onerror=alert(1)> \\e[31m red ${params.token}\\n' >&2; exit 1"
                """);
        Path html = dir.resolve("odd.html");
        RunFixture.Result r = cli("exec", file.toString(), "--state-dir", dir.resolve("state").toString(),
                "--html", html.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(1);
        String text = read(html);
        assertThat(text).doesNotContain("<script", "<img", "hunter2")
                .contains("&lt;script&gt;alert(&#39;step&#39;)&lt;/script&gt; &amp; co", "&lt;img src=x", "token=***");
        Document page = parse(html);
        assertThat(one(page, "//tr[@data-step='noisy']").getTextContent())
                .contains("<script>alert('step')</script> & co", "<img src=x onerror=alert(1)>", "***");
        assertThat(all(page, "//section[@id='facts']")).as("no fact collected: no chart").isEmpty();
    }

    @Test
    void aPageThatCannotBeWrittenSaysWhyAndEveryRunningCommandTakesTheOption() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path ok = runbook(dir, "ok.yml", "runbook: fine\nversion: 1\nsteps:\n  - id: a\n    run: \"true\"\n");
        String state = dir.resolve("state").toString();
        RunFixture.Result r = cli("exec", ok.toString(), "--state-dir", state, "--html",
                notADir.resolve("r.html").toString());
        assertThat(r.code()).as(r.console()).isEqualTo(2);
        assertThat(r.err()).contains("runbook: cannot write the report " + notADir.resolve("r.html") + ": ");

        r = cli("exec", ok.toString(), "--state-dir", state, "--html", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("runbook: cannot write the report " + dir + ": it is a directory");

        Path gate = runbook(dir, "gate.yml", "runbook: gated\nversion: 1\nsteps:\n  - id: stage\n    run: \"true\"\n"
                + "    rollback:\n      - run: \"true\"\n  - id: ship\n    approve: \"Ship it?\"\n");
        Path other = dir.resolve("other-state");
        assertThat(cli("exec", gate.toString(), "--state-dir", other.toString(), "--html",
                dir.resolve("gate.html").toString()).code()).isEqualTo(4);
        assertThat(one(parse(dir.resolve("gate.html")), "//p[@id='verdict']").getTextContent())
                .startsWith("Stopped: waiting for an approval.");
        assertThat(cli("rollback", onlyRun(other), "--state-dir", other.toString(), "--html",
                dir.resolve("new").resolve("undo.html").toString()).code()).isEqualTo(1);
        Document undone = parse(dir.resolve("new").resolve("undo.html"));
        assertThat(one(undone, "//p[@id='verdict']").getTextContent()).startsWith("Failed and rolled back.");
        assertThat(one(undone, "//section[@id='rollback']").getTextContent()).contains("Why: rollback requested.");
    }
}
