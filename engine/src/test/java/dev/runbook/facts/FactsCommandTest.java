package dev.runbook.facts;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.runbook;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code runbook facts} (collect now, print, --save a snapshot) and {@code runbook plan --facts-from} it. */
class FactsCommandTest {

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

    Path file(String preconditions) throws IOException {
        Path release = tmp.resolve("REVISION");
        Files.writeString(release, "abc123\n");
        return runbook(tmp, "facts.yml", """
                runbook: snap
                version: 1
                params:
                  port: { type: integer, required: true }
                facts:
                  health:  { http: { url: "http://127.0.0.1:${params.port}/health", timeout: 2s } }
                  release: { file: { path: "%s" }, parse: text }
                  token:   { shell: "echo s3cr3t-value", secret: true }
                  cable:   { websocket: { url: "ws://127.0.0.1:1/cable", expect: welcome } }
                preconditions:
                %s
                steps:
                  - id: a
                    run: "true"
                """.formatted(release, preconditions.indent(2).stripTrailing()));
    }

    static final String PRE = """
            - that: "facts.health.status == 200 && facts.health.json.services.agents == 'healthy'"
              message: healthy
            - that: "facts.release.text == 'zzz'"
              message: the release is zzz
            - that: "facts.cable.ok"
              message: cable greets
            """;

    @Test
    void factsPrintsNamedFactsAndSaveWritesTheSnapshotWithoutSecrets() throws IOException {
        Path f = file(PRE);
        Path snap = tmp.resolve("snap/facts.json");
        Result r = cli("facts", f.toString(), "health", "release", "token", "--set", "port=" + server.port(),
                "--save", snap.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).containsPattern("health\\s+http\\s+.*status.*200")
                .containsPattern("release\\s+file\\s+.*abc123")
                .containsPattern("token\\s+shell\\s+\\*\\*\\*")
                .doesNotContain("s3cr3t");
        JsonNode saved = JsonMapper.builder().build().readTree(Files.readString(snap));
        assertThat(saved.get("health").get("status").asInt()).isEqualTo(200);
        assertThat(saved.get("release").get("text").asString()).isEqualTo("abc123");
        assertThat(saved.has("token")).isFalse();
        assertThat(Files.readString(snap)).doesNotContain("s3cr3t");

        Result json = cli("facts", f.toString(), "release", "--set", "port=" + server.port(), "--format", "json");
        assertThat(json.code()).isEqualTo(ExitCodes.OK);
        assertThat(JsonMapper.builder().build().readTree(json.out()).get("release").get("value").get("exists")
                .asBoolean()).isTrue();

        Result unknown = cli("facts", f.toString(), "nope", "--set", "port=" + server.port());
        assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("no fact 'nope'");
    }

    @Test
    void aFactThatCannotBeCollectedPrintsItsReason() throws IOException {
        Path f = file(PRE);
        server.close();
        Result r = cli("facts", f.toString(), "health", "cable", "--set", "port=" + server.port());
        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).containsPattern("health\\s+http\\s+cannot be collected: .*127.0.0.1")
                .containsPattern("cable\\s+websocket\\s+.*'ok' ?[:=] ?false|cable\\s+websocket\\s+.*ok.*false");
    }

    @Test
    void planFactsFromEvaluatesPreconditionsAgainstTheSnapshotWithoutContactingAnything() throws IOException {
        Path f = file(PRE);
        Path snap = tmp.resolve("facts.json");
        Result saved = cli("facts", f.toString(), "health", "release", "--set", "port=" + server.port(),
                "--save", snap.toString());
        assertThat(saved.code()).as(saved.console()).isEqualTo(ExitCodes.OK);
        int before = server.requests.size();
        server.close();

        Result r = cli("plan", f.toString(), "--set", "port=" + server.port(), "--facts-from", snap.toString());
        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("snapshot");
        String pre = r.out();
        assertThat(pre).contains("holds: read facts.health.status = 200")
                .contains("fails: read facts.release.text = 'abc123'")
                .contains("not evaluated: reads facts.cable: not in the snapshot");
        assertThat(server.requests).hasSize(before);

        Result json = cli("plan", f.toString(), "--set", "port=" + server.port(), "--facts-from", snap.toString(),
                "--format", "json");
        JsonNode plan = JsonMapper.builder().build().readTree(json.out());
        JsonNode checks = plan.get("preconditions");
        assertThat(checks.get(0).get("status").asString()).isEqualTo("holds");
        assertThat(checks.get(1).get("status").asString()).isEqualTo("fails");
        assertThat(checks.get(2).get("status").asString()).isEqualTo("not evaluated");
        assertThat(checks.get(2).get("detail").asString()).contains("facts.cable: not in the snapshot");

        Result both = cli("plan", f.toString(), "--set", "port=" + server.port(), "--facts-from", snap.toString(),
                "--offline");
        assertThat(both.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(both.err()).contains("--facts-from and --offline");
    }

    @Test
    void aWebSocketFactThatCannotConnectFailsACheckSayingWhy() throws IOException {
        Path f = file(PRE);
        Result r = cli("plan", f.toString(), "--set", "port=" + server.port(), "--format", "json");
        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        JsonNode cable = JsonMapper.builder().build().readTree(r.out()).get("preconditions").get(2);
        assertThat(cable.get("status").asString()).isEqualTo("fails");
        assertThat(cable.get("detail").asString()).contains("facts.cable.ok = false");
    }
}
