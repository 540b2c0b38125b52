package dev.runbook.facts;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.journal;
import static dev.runbook.exec.RunFixture.only;
import static dev.runbook.exec.RunFixture.onlyRun;
import static dev.runbook.exec.RunFixture.runbook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runbook.Runbooks;
import dev.runbook.cli.ExitCodes;
import dev.runbook.diag.RunbookException;
import dev.runbook.exec.RunFixture;
import dev.runbook.exec.RunFixture.Result;
import dev.runbook.model.Fact;
import dev.runbook.model.FactSource;
import dev.runbook.model.Runbook;
import dev.runbook.model.Text;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code sql} and {@code redis} facts against real servers: PostgreSQL at {@code RUNBOOK_TEST_POSTGRES_URL} and
 * Redis at {@code RUNBOOK_TEST_REDIS_URL} ({@code .ci/run} starts both). Without them these tests are skipped, unless
 * {@code RUNBOOK_REQUIRE_ALL} is set: then they fail.
 */
class SqlRedisFactsTest {

    static final String PG = System.getenv("RUNBOOK_TEST_POSTGRES_URL");
    static final String REDIS = System.getenv("RUNBOOK_TEST_REDIS_URL");

    @TempDir
    Path tmp;

    static void need(String var, String value) {
        if (value == null || value.isBlank()) {
            if (System.getenv("RUNBOOK_REQUIRE_ALL") != null) {
                throw new AssertionError(var + " is not set, and RUNBOOK_REQUIRE_ALL says every test must run");
            }
            Assumptions.abort(var + " is not set: no server to test against");
        }
    }

    // ---- fixtures

    /** The collector of a runbook whose {@code facts:} block is {@code facts}; params pg and redis are the servers. */
    LocalFactCollector collector(String facts) {
        String yaml = "runbook: facts-test\nversion: 1\n"
                + "params:\n  pg: { type: string, default: \"\" }\n  redis: { type: string, default: \"\" }\n"
                + "facts:\n" + facts.indent(2)
                + "steps:\n  - id: a\n    run: \"true\"\n";
        Path file = RunFixture.runbook(tmp, "facts.yml", yaml);
        Runbook rb = Runbooks.require(file);
        Map<String, String> set = new LinkedHashMap<>();
        set.put("pg", PG == null ? "" : PG);
        set.put("redis", REDIS == null ? "" : REDIS);
        BoundParams bound = Runbooks.bind(rb, new ParamBinder.Inputs(List.of(), set, Map.of()));
        return new LocalFactCollector(rb, FactRoots.of(rb, bound, Map.of(), "run-1", System.currentTimeMillis(),
                false));
    }

    Object collect(LocalFactCollector c, String name) {
        return c.collect(Runbooks.require(tmp.resolve("facts.yml")).facts().get(name));
    }

    String failure(LocalFactCollector c, String name) {
        Throwable t = catchThrowable(() -> collect(c, name));
        assertThat(t).isInstanceOf(RunbookException.class);
        return t.getMessage();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v) {
        assertThat(v).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
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

    /** A closed port on this machine: nothing listens there. */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void data() throws Exception {
        if (PG != null && !PG.isBlank()) {
            try (Connection c = pg(); Statement st = c.createStatement()) {
                st.execute("drop table if exists rb_items");
                st.execute("drop sequence if exists rb_seq");
                st.execute("create table rb_items (id integer primary key, name text, price numeric(10,2),"
                        + " big bigint, ratio double precision, ok boolean, tags text[], doc jsonb, at timestamptz)");
                st.execute("insert into rb_items values (1, 'one', 1.50, 9000000000, 0.25, true, '{a,b}',"
                        + " '{\"k\": [1, 2]}', '2024-05-01T10:00:00Z'), (2, 'two', 2.00, null, null, false, null, null,"
                        + " null)");
                st.execute("create sequence rb_seq");
            }
        }
        if (REDIS != null && !REDIS.isBlank()) {
            try (Jedis j = redis()) {
                j.flushDB();
                j.set("greeting", "hello");
                j.zadd("dead", 1, "job1");
                j.zadd("dead", 2, "job2");
                j.zadd("dead", 3, "job3");
                for (int i = 0; i < 250; i++) {
                    j.set("session:" + i, "x");
                }
                j.set("other", "y");
            }
        }
    }

    // ---- sql

    @Test
    void aSqlFactIsTheFirstCellTheFirstRowOrAllRowsAsPlainValues() {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        var c = collector("""
                count: { sql: { url: "${params.pg}", query: "select count(*) from rb_items" } }
                name:  { sql: { url: "${params.pg}", query: "select name from rb_items where id = 2", returns: cell } }
                none:  { sql: { url: "${params.pg}", query: "select name from rb_items where id = 99" } }
                first: { sql: { url: "${params.pg}", query: "select * from rb_items order by id", returns: row } }
                norow: { sql: { url: "${params.pg}", query: "select * from rb_items where id = 99", returns: row } }
                all:   { sql: { url: "${params.pg}", query: "select id, name, price from rb_items order by id", returns: rows } }
                empty: { sql: { url: "${params.pg}", query: "select id from rb_items where false", returns: rows } }
                """);

        assertThat(collect(c, "count")).isEqualTo(2L);
        assertThat(collect(c, "name")).isEqualTo("two");
        assertThat(collect(c, "none")).isNull();

        Map<String, Object> first = map(collect(c, "first"));
        assertThat(first).containsEntry("id", 1L).containsEntry("name", "one").containsEntry("price", 1.5)
                .containsEntry("big", 9000000000L).containsEntry("ratio", 0.25).containsEntry("ok", true)
                .containsEntry("tags", List.of("a", "b"));
        assertThat(map(first.get("doc"))).containsEntry("k", List.of(1, 2));
        assertThat((String) first.get("at")).startsWith("2024-05-01");
        assertThat(collect(c, "norow")).isNull();

        assertThat(collect(c, "all")).isEqualTo(List.of(
                Map.of("id", 1L, "name", "one", "price", 1.5),
                Map.of("id", 2L, "name", "two", "price", 2L)));
        assertThat(collect(c, "empty")).isEqualTo(List.of());
    }

    @Test
    void aSqlFactRunsInAReadOnlyTransactionSoAWriteInsideAQueryIsRefusedByTheServer() throws Exception {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        // validation lets these through (they start with select/with and name no write keyword): the database refuses
        var c = collector("""
                next:  { sql: { url: "${params.pg}", query: "with x as (select nextval('rb_seq') as n) select n from x" } }
                next2: { sql: { url: "${params.pg}", query: "select setval('rb_seq', 100)" } }
                """);

        assertThat(failure(c, "next")).contains("fact 'next' cannot be collected:").contains("read-only transaction");
        assertThat(failure(c, "next2")).contains("read-only transaction");

        try (Connection conn = pg(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("select last_value, is_called from rb_seq")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1L);
            assertThat(rs.getBoolean(2)).as("the sequence never advanced").isFalse();
        }
    }

    @Test
    void aSqlFactThatWritesIsRefusedByValidationBeforeAnythingIsSent() {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        Path f = runbook(tmp, "write.yml", """
                runbook: write
                version: 1
                facts:
                  evil: { sql: { url: "postgresql://127.0.0.1:1/x", query: "delete from rb_items" } }
                  evil2: { sql: { url: "postgresql://127.0.0.1:1/x", query: "select 1; delete from rb_items" } }
                steps:
                  - id: a
                    run: "true"
                """);
        Result r = cli("validate", f.toString());
        assertThat(r.code()).as(r.console()).isNotEqualTo(ExitCodes.OK);
        assertThat(r.console()).contains("facts never change anything").contains("not several");
    }

    @Test
    void aSlowQueryHitsTheFactsTimeoutWithAClearReason() {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        var c = collector("""
                slow: { sql: { url: "${params.pg}", query: "select pg_sleep(5)" }, timeout: 500ms }
                """);
        long start = System.nanoTime();
        String why = failure(c, "slow");
        assertThat(why).contains("fact 'slow' cannot be collected:").contains("took longer than its timeout of 500ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4000);
    }

    @Test
    void anUnreachableDatabaseIsAClearReasonAndItsPasswordIsNotShown() throws Exception {
        int port = closedPort();
        var c = collector("""
                down: { sql: { url: "postgresql://someone:s3cret@127.0.0.1:%d/db", query: "select 1" }, timeout: 2s }
                """.formatted(port));
        String why = failure(c, "down");
        assertThat(why).contains("fact 'down' cannot be collected: cannot connect to postgresql://127.0.0.1:" + port
                + "/db").contains("connection refused").doesNotContain("s3cret");
    }

    @Test
    void libpqUrlsBecomeJdbcUrlsWithTheirUserAndPassword() {
        SqlFact.Target t = SqlFact.target("postgresql://app:p%40ss+w@db.example.com:5433/prod?sslmode=require");
        assertThat(t.jdbc()).isEqualTo("jdbc:postgresql://db.example.com:5433/prod?sslmode=require");
        assertThat(t.props()).containsEntry("user", "app").containsEntry("password", "p@ss+w");
        assertThat(t.shown()).isEqualTo("postgresql://db.example.com:5433/prod");
        SqlFact.Target j = SqlFact.target("jdbc:postgresql://h/db?user=u&password=pw");
        assertThat(j.jdbc()).isEqualTo("jdbc:postgresql://h/db?user=u&password=pw");
        assertThat(j.shown()).isEqualTo("postgresql://h/db");
        assertThat(catchThrowable(() -> SqlFact.target("mysql://h/db"))).hasMessageContaining("reads PostgreSQL");
    }

    // ---- redis

    @Test
    void aRedisFactIsTheReply() {
        need("RUNBOOK_TEST_REDIS_URL", REDIS);
        var c = collector("""
                greeting: { redis: { url: "${params.redis}", command: [GET, greeting] } }
                missing:  { redis: { url: "${params.redis}", command: [GET, nope] } }
                both:     { redis: { url: "${params.redis}", command: [MGET, greeting, nope] } }
                dead:     { redis: { url: "${params.redis}", command: [ZCARD, dead] } }
                low:      { redis: { url: "${params.redis}", command: [zcount, dead, "1", "2"] } }
                sessions: { redis: { url: "${params.redis}", command: [KEYS, "session:*"] } }
                scanned:  { redis: { url: "${params.redis}", command: [SCAN, "0", MATCH, "session:*", COUNT, "10"] } }
                scanall:  { redis: { url: "${params.redis}", command: [SCAN] } }
                info:     { redis: { url: "${params.redis}", command: [INFO, server] } }
                size:     { redis: { url: "${params.redis}", command: [DBSIZE] } }
                kind:     { redis: { url: "${params.redis}", command: [TYPE, dead] } }
                ping:     { redis: { url: "${params.redis}", command: [PING] } }
                """);

        assertThat(collect(c, "greeting")).isEqualTo("hello");
        assertThat(collect(c, "missing")).isNull();
        assertThat(collect(c, "both")).isEqualTo(java.util.Arrays.asList("hello", null));
        assertThat(collect(c, "dead")).isEqualTo(3L);
        assertThat(collect(c, "low")).isEqualTo(2L);
        assertThat(collect(c, "sessions")).isEqualTo(250L);
        assertThat(collect(c, "scanned")).isEqualTo(250L);
        assertThat(collect(c, "scanall")).isEqualTo(253L);
        Map<String, Object> info = map(collect(c, "info"));
        assertThat(info.get("redis_version")).isInstanceOf(String.class);
        assertThat(info.get("tcp_port")).isEqualTo((long) URI.create(REDIS).getPort());
        assertThat(collect(c, "size")).isEqualTo(253L);
        assertThat(collect(c, "kind")).isEqualTo("zset");
        assertThat(collect(c, "ping")).isEqualTo("PONG");
    }

    @Test
    void aRedisCommandThatWritesIsRefusedBeforeAnythingIsSent() throws Exception {
        need("RUNBOOK_TEST_REDIS_URL", REDIS);
        // validation refuses it in a runbook file
        Path f = runbook(tmp, "write.yml", """
                runbook: write
                version: 1
                facts:
                  evil: { redis: { url: "redis://127.0.0.1:6379", command: [DEL, greeting] } }
                steps:
                  - id: a
                    run: "true"
                """);
        Result r = cli("validate", f.toString());
        assertThat(r.code()).as(r.console()).isNotEqualTo(ExitCodes.OK);
        assertThat(r.console()).contains("is not one that only reads");

        // and the collector refuses it too, built past validation: watched by a MONITOR connection, nothing is sent
        List<String> seen = new ArrayList<>();
        URI u = URI.create(REDIS);
        try (Socket monitor = new Socket(u.getHost(), u.getPort())) {
            monitor.setSoTimeout(3000);
            OutputStream out = monitor.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("+OK");

            var c = collector("ok: { redis: { url: \"${params.redis}\", command: [PING] } }");
            for (List<String> cmd : List.of(List.of("DEL", "greeting"), List.of("set", "greeting", "bye"),
                    List.of("FLUSHALL"), List.of("CONFIG", "SET", "save", ""), List.of("EVAL", "return 1", "0"))) {
                Fact evil = new Fact("evil", new FactSource.Redis(new Text("${params.redis}", null),
                        cmd.stream().map(s -> new Text(s, null)).toList()), null, null, null, false, null, null, null);
                Throwable t = catchThrowable(() -> c.collect(evil));
                assertThat(t).isInstanceOf(RunbookException.class);
                assertThat(t.getMessage()).contains("fact 'evil' cannot be collected: redis command '" + cmd.get(0)
                        + "' is refused: it is not one that only reads");
            }
            // a marker the monitor must see: everything before it was seen by then
            try (Jedis j = redis()) {
                j.echo("marker-after-refusals");
            }
            String line;
            while ((line = in.readLine()) != null) {
                seen.add(line);
                if (line.contains("marker-after-refusals")) {
                    break;
                }
            }
        }
        assertThat(seen).anyMatch(l -> l.contains("marker-after-refusals"));
        assertThat(seen).noneMatch(l -> l.toUpperCase().matches(".*\"(DEL|SET|FLUSHALL|CONFIG|EVAL)\".*"));
        try (Jedis j = redis()) {
            assertThat(j.get("greeting")).isEqualTo("hello");
        }
    }

    @Test
    void anUnreachableRedisIsAClearReason() throws Exception {
        int port = closedPort();
        var c = collector("""
                down: { redis: { url: "redis://:s3cret@127.0.0.1:%d/0", command: [GET, x] }, timeout: 2s }
                """.formatted(port));
        String why = failure(c, "down");
        assertThat(why).contains("fact 'down' cannot be collected: redis GET on redis://127.0.0.1:" + port + "/0:")
                .contains("connection refused").doesNotContain("s3cret");
    }

    // ---- through the command line

    @Test
    void aRunbookWhosePreconditionReadsASqlFactAndWhoseAssertReadsARedisFact() {
        need("RUNBOOK_TEST_POSTGRES_URL", PG);
        need("RUNBOOK_TEST_REDIS_URL", REDIS);
        Path f = runbook(tmp, "live.yml", """
                runbook: live-data
                version: 1
                params:
                  db_url:    { type: string, secret: true, required: true }
                  redis_url: { type: string, required: true }
                  limit:     { type: integer, default: 5 }
                facts:
                  items: { sql: { url: "${params.db_url}", query: "select count(*) from rb_items" } }
                  dead:  { redis: { url: "${params.redis_url}", command: [ZCARD, dead] } }
                preconditions:
                  - name: the items are there
                    that: "facts.items == 2"
                steps:
                  - id: few_dead
                    assert: "facts.dead < params.limit"
                    message: too many dead jobs
                """);

        Result ok = cli("exec", f.toString(), "--state-dir", tmp.resolve("s1").toString(), "--set", "db_url=" + PG,
                "--set", "redis_url=" + REDIS);
        assertThat(ok.code()).as(ok.console()).isEqualTo(ExitCodes.OK);
        assertThat(only(journal(tmp.resolve("s1"), onlyRun(tmp.resolve("s1"))), "precondition.checked")
                .path("holds").asBoolean()).isTrue();

        Result failed = cli("exec", f.toString(), "--state-dir", tmp.resolve("s2").toString(), "--set", "db_url=" + PG,
                "--set", "redis_url=" + REDIS, "--set", "limit=3");
        assertThat(failed.code()).as(failed.console()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.console()).contains("too many dead jobs");
    }
}
