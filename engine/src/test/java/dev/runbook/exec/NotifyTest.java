package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.ofType;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.runbook;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.cli.ExitCodes;
import dev.runbook.exec.RunFixture.Result;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The notify step end to end: a webhook on 127.0.0.1 receiving the JSON and Slack payloads, GreenMail receiving
 * the email with the release notes of a CHANGELOG section, and what a failed notification does to the run.
 */
class NotifyTest {

    static final String CHANGELOG = """
            # Changelog
            All notable changes to this project are documented in this file.

            ## [Unreleased]
            ### Added
            - Canary weights.

            ## [2.4.0] - 2024-06-11
            ### Added
            - Blue/green switch for the web tier.
            ### Fixed
            - The health check no longer times out behind the proxy.

            ## [2.3.1] - 2024-05-02
            ### Fixed
            - Log rotation of the worker.
            """;

    @TempDir
    Path tmp;

    HttpServer server;
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final Map<String, String> auth = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            bodies.put(path, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String a = ex.getRequestHeaders().getFirst("Authorization");
            if (a != null) {
                auth.put(path, a);
            }
            int status = path.startsWith("/broken") ? 500 : 200;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String hook(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    Result exec(Path file) {
        return cli("exec", file.toString(), "--state-dir", tmp.resolve("state").toString());
    }

    List<JsonNode> events() {
        return journal(tmp.resolve("state"), onlyRun(tmp.resolve("state")));
    }

    JsonNode finished(String step) {
        return ofType(events(), "step.finished").stream().filter(e -> e.path("step").asString().equals(step))
                .findFirst().orElseThrow();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void webhookGetsJsonByDefaultAndSlackBlocksWithItsHeaders() {
        Path f = runbook(tmp, "hooks.yml", """
                runbook: hooks
                version: 1
                params:
                  release: { type: string, default: "2.4.0" }
                  token: { type: string, secret: true, default: "t0ken-42" }
                steps:
                  - id: deploy
                    run: "true"
                  - id: plain
                    notify: { webhook: "%s", message: "${params.release} is out: deploy ${steps.deploy.status}" }
                  - id: slack
                    notify:
                      webhook: "%s"
                      format: slack
                      headers: { Authorization: "Bearer ${params.token}" }
                      message: "*${params.release}* is out (${run.status})"
                """.formatted(hook("/json"), hook("/slack")));

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        JsonNode plain = RunFixture.JSON.readTree(bodies.get("/json"));
        assertThat(plain.propertyNames()).containsExactly("text");
        assertThat(plain.path("text").asString()).isEqualTo("2.4.0 is out: deploy ok");
        JsonNode slack = RunFixture.JSON.readTree(bodies.get("/slack"));
        assertThat(slack.path("text").asString()).isEqualTo("*2.4.0* is out (running)");
        assertThat(slack.path("blocks")).hasSize(1);
        assertThat(slack.path("blocks").get(0).path("type").asString()).isEqualTo("section");
        assertThat(slack.path("blocks").get(0).path("text").path("type").asString()).isEqualTo("mrkdwn");
        assertThat(slack.path("blocks").get(0).path("text").path("text").asString()).isEqualTo("*2.4.0* is out (running)");
        assertThat(auth.get("/slack")).isEqualTo("Bearer t0ken-42");
        assertThat(auth).doesNotContainKey("/json");
        assertThat(RunFixture.read(RunFixture.journalFile(tmp.resolve("state"), onlyRun(tmp.resolve("state")))))
                .doesNotContain("t0ken-42");
    }

    @Test
    void emailCarriesTheReleaseNotesOfTheChangelogSection() throws Exception {
        Files.writeString(tmp.resolve("CHANGELOG.md"), CHANGELOG);
        Files.writeString(tmp.resolve("release.txt.tmpl"), """
                Release ${params.release} (deploy: ${steps.deploy.status})

                ${changelog('CHANGELOG.md', params.release)}
                """);
        GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            Path f = runbook(tmp, "mail.yml", """
                    runbook: mail
                    version: 1
                    params:
                      release: { type: string, default: "v2.4.0" }
                    steps:
                      - id: deploy
                        run: "true"
                      - id: tell_ops
                        notify:
                          email:
                            to: [ops@example.com, "release-manager@example.com"]
                            from: runbook@example.com
                            subject: "Released ${params.release}"
                            smtp: { host: 127.0.0.1, port: %d }
                          template: release.txt.tmpl
                          required: true
                    """.formatted(mail.getSmtp().getPort()));

            Result r = exec(f);

            assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
            assertThat(mail.waitForIncomingEmail(5000, 2)).isTrue();
            MimeMessage m = mail.getReceivedMessages()[0];
            assertThat(m.getSubject()).isEqualTo("Released v2.4.0");
            assertThat(List.of(m.getRecipients(Message.RecipientType.TO)).stream().map(Object::toString))
                    .containsExactly("ops@example.com", "release-manager@example.com");
            assertThat(m.getFrom()[0].toString()).isEqualTo("runbook@example.com");
            String body = GreenMailUtil.getBody(m).replace("\r\n", "\n");
            assertThat(body).contains("Release v2.4.0 (deploy: ok)",
                    "### Added\n- Blue/green switch for the web tier.\n### Fixed\n"
                            + "- The health check no longer times out behind the proxy.")
                    .doesNotContain("Canary weights", "Log rotation", "## [");
            assertThat(finished("tell_ops").path("stdout").asString())
                    .contains("email to ops@example.com, release-manager@example.com via 127.0.0.1:");
        } finally {
            mail.stop();
        }
    }

    @Test
    void starttlsIsRequiredWhenAskedForSoAPlainServerIsRefused() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try {
            Path f = runbook(tmp, "tls.yml", """
                    runbook: tls
                    version: 1
                    steps:
                      - id: tell
                        notify:
                          email:
                            to: ops@example.com
                            from: runbook@example.com
                            subject: hello
                            smtp: { host: 127.0.0.1, port: %d, starttls: true, user: runbook, password: pw }
                          message: hello
                    """.formatted(mail.getSmtp().getPort()));

            Result r = exec(f);

            assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
            assertThat(finished("tell").path("status").asString()).isEqualTo("failed");
            assertThat(finished("tell").path("error").asString()).startsWith("the email failed: ").contains("STARTTLS");
            assertThat(mail.getReceivedMessages()).isEmpty();
        } finally {
            mail.stop();
        }
    }

    @Test
    void aFailedNotificationIsReportedAndTheRunGoesOn() throws Exception {
        Path done = tmp.resolve("undone");
        Path f = runbook(tmp, "optional.yml", """
                runbook: optional
                version: 1
                steps:
                  - id: deploy
                    run: "true"
                    rollback:
                      - run: "touch %s"
                  - id: tell
                    notify: { webhook: "http://127.0.0.1:%d/hook", message: "deployed" }
                  - id: after
                    run: "true"
                """.formatted(done, freePort()));

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.OK);
        assertThat(r.verdict()).contains("SUCCEEDED", "the run went on after 'tell' (the webhook failed");
        assertThat(finished("tell").path("status").asString()).isEqualTo("failed");
        assertThat(finished("after").path("status").asString()).isEqualTo("ok");
        assertThat(ofType(events(), "rollback.started")).isEmpty();
        assertThat(done).doesNotExist();
    }

    @Test
    void aRequiredNotificationThatFailsRollsTheRunBackAndTheRollbackNotifySaysWhy() {
        Path f = runbook(tmp, "required.yml", """
                runbook: required
                version: 1
                steps:
                  - id: deploy
                    run: "true"
                    rollback:
                      - notify:
                          webhook: "%s"
                          message: "${run.status}: ${run.reason}; deploy was ${steps.deploy.status}"
                  - id: tell
                    notify: { webhook: "%s", message: "deployed", required: true }
                """.formatted(hook("/rollback"), hook("/broken")));

        Result r = exec(f);

        assertThat(r.code()).as(r.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.verdict()).contains("ROLLED BACK", "step 'tell' failed: the webhook answered 500");
        assertThat(bodies.get("/broken")).isEqualTo("{\"text\":\"deployed\"}");
        assertThat(bodies).as(ofType(events(), "rollback.action").toString().replace("\n", " ")).containsKey("/rollback");
        // (journal above: the rollback notify ran)
        assertThat(RunFixture.JSON.readTree(bodies.get("/rollback")).path("text").asString())
                .isEqualTo("rolling_back: step 'tell' failed: the webhook answered 500; deploy was ok");
    }
}
