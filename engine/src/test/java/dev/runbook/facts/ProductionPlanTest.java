package dev.runbook.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runbook.cli.Main;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance: {@code runbook plan runbooks/production.yml} against a running test stack shows evaluated guard values.
 * The stack: an HTTP server and a WebSocket greeter in this JVM, PostgreSQL at {@code RUNBOOK_TEST_POSTGRES_URL} and
 * Redis at {@code RUNBOOK_TEST_REDIS_URL} (skipped without them unless {@code RUNBOOK_REQUIRE_ALL} is set). The
 * facts on the SSH target {@code app} cannot be collected yet and must say so.
 */
class ProductionPlanTest {

    static final String PG = System.getenv("RUNBOOK_TEST_POSTGRES_URL");
    static final String REDIS = System.getenv("RUNBOOK_TEST_REDIS_URL");
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String DB_PASSWORD_MARKER = "s3cret-db-" + UUID.randomUUID();

    @TempDir
    Path tmp;

    HttpServer http;
    WsServer ws;
    final List<String> createdTables = new ArrayList<>();
    final List<String> redisKeys = new ArrayList<>();
    String prefix;

    static void need(String var, String value) {
        if (value == null || value.isBlank()) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(var + " is not set, and RUNBOOK_REQUIRE_ALL says every test must run");
            }
            Assumptions.abort(var + " is not set: no server to test against");
        }
    }

    static Connection pg() throws Exception {
        SqlFact.Target t = SqlFact.target(PG);
        return DriverManager.getConnection(t.jdbc(), t.props());
    }

    static Jedis redis() {
        URI u = URI.create(REDIS);
        Jedis j = new Jedis(u.getHost(), u.getPort());
        String db = u.getPath() == null ? "" : u.getPath().replace("/", "");
        j.select(db.isEmpty() ? 0 : Integer.parseInt(db));
        return j;
    }

    @BeforeEach
    void stack() throws Exception {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        need("RUNBOOK_TEST_REDIS_URL", REDIS);
        try (Connection c = pg(); Statement st = c.createStatement()) {
            for (String t : List.of("schema_migrations", "agents", "campaigns")) {
                try (var rs = c.getMetaData().getTables(null, null, t, new String[] {"TABLE"})) {
                    if (!rs.next()) {
                        createdTables.add(t);
                    }
                }
            }
            st.execute("create table if not exists schema_migrations (version varchar primary key)");
            st.execute("create table if not exists agents (id serial primary key, name text)");
            st.execute("create table if not exists campaigns (id serial primary key, name text)");
            Assumptions.assumeTrue(createdTables.size() == 3,
                    "schema_migrations/agents/campaigns already exist in the test database: not touching them");
            st.execute("insert into schema_migrations values ('20240501000000'), ('20240611093000')");
            st.execute("insert into agents (name) values ('a1'), ('a2'), ('a3')");
            st.execute("insert into campaigns (name) values ('c1'), ('c2')");
        }
        prefix = "rb-prodplan-" + UUID.randomUUID() + ":cache:";
        try (Jedis j = redis()) {
            j.zadd("dead", 1, "rb-prodplan-job");
            j.zadd("retry", 1, "rb-prodplan-job");
            j.set(prefix + "agent_metrics", "x");
            j.set(prefix + "campaign_eta/1", "x");
            redisKeys.addAll(List.of(prefix + "agent_metrics", prefix + "campaign_eta/1"));
        }
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        json("/system_health", 200, "{\"status\": \"ok\", \"services\": {\"database\": \"healthy\", \"redis\":"
                + " \"healthy\", \"sidekiq\": \"healthy\", \"action_cable\": \"healthy\", \"agents\": \"healthy\"}}");
        html("/agents", "<h1>Agents</h1>");
        html("/campaigns", "<h1>Campaigns</h1>");
        html("/campaigns/new", "<form>new campaign</form>");
        // CI of the release tag is still running: the 'all tests passing' precondition fails
        json("/gh/repos/example-org/agent-ops/commits/v2.4.0/status", 200, "{\"state\": \"pending\"}");
        json("/gh/search/issues", 200, "{\"total_count\": 0}");
        json("/desk/api/v2/search/count.json", 200, "{\"count\": 3}");
        http.start();
        ws = new WsServer(true);
    }

    void json(String path, int status, String body) {
        http.createContext(path, x -> answer(x, status, "application/json", body));
    }

    void html(String path, String body) {
        http.createContext(path, x -> answer(x, 200, "text/html", body));
    }

    static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }

    @AfterEach
    void teardown() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (ws != null) {
            ws.close();
        }
        if (PG != null && !PG.isBlank() && !createdTables.isEmpty()) {
            try (Connection c = pg(); Statement st = c.createStatement()) {
                for (String t : createdTables) {
                    st.execute("drop table if exists " + t);
                }
            }
        }
        if (REDIS != null && !REDIS.isBlank() && prefix != null) {
            try (Jedis j = redis()) {
                j.zrem("dead", "rb-prodplan-job");
                j.zrem("retry", "rb-prodplan-job");
                j.del(redisKeys.toArray(String[]::new));
            }
        }
    }

    /** The customer's vars: example.yml's shape, every URL pointing at the stack. */
    Path vars() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("release"));
        Files.writeString(src.resolve("CHANGELOG.md"), "# Changelog\n\n## [2.4.0] - 2024-06-11\n- things\n");
        Path notes = tmp.resolve("release-notes.md");
        Files.writeString(notes, "# Release 2.4.0\n## New features\n- x\n## Breaking changes\n- none\n"
                + "## Action required\n- none\n");
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Path v = tmp.resolve("stack.yml");
        Files.writeString(v, String.join("\n",
                "customer: Example Corp",
                "release: \"2.4.0\"",
                "expected_schema: \"20240611093000\"",
                "migration_count: 2",
                "source_dir: \"" + src + "\"",
                "release_notes_file: \"" + notes + "\"",
                "github_api: \"" + base + "/gh\"",
                // a loopback port where nothing listens: the SSH facts fail at once, and no name is looked up
                "app_host: \"127.0.0.1:1\"",
                "ssh_user: deploy",
                "app_dir: /srv/agent-ops",
                "air_gapped: false",
                "base_url: \"" + base + "\"",
                "cable_url: \"ws://127.0.0.1:" + ws.port() + "/cable\"",
                "redis_url: \"" + REDIS + "\"",
                "cache_prefix: \"" + prefix + "\"",
                "smoke_campaign_id: \"42\"",
                "outside_window_ok: true",
                "page_budget: 5s",
                "monitor_for: 24h",
                "support_api: \"" + base + "/desk\"",
                "support_org: example-corp",
                "support_baseline: 14",
                ""));
        return v;
    }

    /** The database URL with a password the trust-auth server ignores: a secret that must never be printed. */
    static String dbUrl() {
        URI u = URI.create(PG);
        String userInfo = u.getUserInfo() == null ? "runbook" : u.getUserInfo().split(":")[0];
        return u.getScheme() + "://" + userInfo + ":" + DB_PASSWORD_MARKER + "@" + u.getHost() + ":" + u.getPort()
                + u.getPath();
    }

    record Out(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    Out plan(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("plan", ROOT.resolve("runbooks/production.yml").toString(),
                "--vars", vars().toString(),
                "--set", "db_url=" + dbUrl(),
                "--set", "staging_db_url=" + dbUrl(),
                "--set", "ci_token=ci-" + DB_PASSWORD_MARKER,
                "--set", "smoke_token=smoke-" + DB_PASSWORD_MARKER,
                "--set", "notify_url=http://127.0.0.1:1/notify-" + DB_PASSWORD_MARKER,
                "--set", "support_webhook=http://127.0.0.1:1/support-" + DB_PASSWORD_MARKER,
                "--set", "support_token=desk-" + DB_PASSWORD_MARKER));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Out(code, out.toString(), err.toString());
    }

    @Test
    void thePlanShowsThePreconditionsEvaluatedOverTheStacksFacts() throws IOException {
        Out r = plan();
        String out = r.out();
        assertThat(out).contains("Preconditions");
        assertThat(section(out, "production is healthy")).contains("[ok]")
                .contains("holds: read facts.health.status = 200, facts.health.json.status = 'ok'");
        // the stack's CI says pending: the plan shows the precondition failing and the value it read
        assertThat(section(out, "all tests passing")).contains("[FAILS]")
                .contains("fails: read facts.ci_status.status = 200, facts.ci_status.json.state = 'pending'");
        // PostgreSQL, through the secret staging_db_url
        assertThat(section(out, "migrations tested in staging")).contains("[ok]")
                .contains("holds: read facts.staging_schema = '20240611093000'");
        assertThat(section(out, "changelog updated")).contains("[ok]").contains("holds: read facts.changelog");
        assertThat(section(out, "release notes prepared")).contains("[ok]");
        // air_gapped is false: the expression never reads facts.egress, so its detail does not name it
        assertThat(section(out, "air-gapped site really isolated")).contains("[ok]").doesNotContain("egress =");
        // facts on the SSH target app are collected there: the host cannot be reached, and the plan says why
        for (String ssh : List.of("rollback plan ready (backup space)", "rollback plan ready (restore tools)",
                "no security hold")) {
            assertThat(section(out, ssh)).contains("[ERROR]").contains("cannot connect to deploy@127.0.0.1:1")
                    .contains("refused");
        }
        // rollback triggers over live facts are evaluated too
        assertThat(out).contains("read facts.campaign_form.status = 200");
        // no secret anywhere: the db password, the tokens, the webhooks
        assertThat(r.all()).doesNotContain(DB_PASSWORD_MARKER).doesNotContain(dbUrl()).contains("***");
    }

    /** The lines of the plan's precondition {@code name}: its header line and the two after it. */
    static String section(String out, String name) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*\\[[A-Za-z ]+\\] " + java.util.regex.Pattern.quote(name))) {
                return String.join("\n", lines.subList(i, Math.min(lines.size(), i + 3)));
            }
        }
        throw new AssertionError("no precondition '" + name + "' in the plan:\n" + out);
    }

    @Test
    void theJsonPlanHasAStatusForEveryPrecondition() throws IOException {
        Out r = plan("--format", "json");
        JsonNode plan = JsonMapper.builder().build().readTree(r.out());
        assertThat(plan.get("offline").asBoolean()).isFalse();
        Map<String, JsonNode> pre = new HashMap<>();
        for (JsonNode p : plan.get("preconditions")) {
            pre.put(p.get("name").asString(), p);
            assertThat(p.get("status").asString()).isIn("holds", "fails", "not evaluated", "error");
        }
        assertThat(pre).hasSize(10);
        assertThat(pre.get("production is healthy").get("status").asString()).isEqualTo("holds");
        assertThat(pre.get("production is healthy").get("detail").asString())
                .isEqualTo("read facts.health.status = 200, facts.health.json.status = 'ok'");
        assertThat(pre.get("all tests passing").get("status").asString()).isEqualTo("fails");
        assertThat(pre.get("all tests passing").get("detail").asString()).contains("'pending'");
        assertThat(pre.get("migrations tested in staging").get("status").asString()).isEqualTo("holds");
        assertThat(pre.get("no security hold").get("status").asString()).isEqualTo("error");
        assertThat(pre.get("no security hold").get("detail").asString()).contains("cannot connect to deploy@127.0.0.1:1");
        assertThat(r.all()).doesNotContain(DB_PASSWORD_MARKER);
    }
}
