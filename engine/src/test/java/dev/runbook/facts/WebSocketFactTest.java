package dev.runbook.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.exec.RunFixture;
import dev.runbook.model.Runbook;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
}
