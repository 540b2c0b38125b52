package dev.runbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.cli.Main;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plan a reviewer reads before a deploy, in its three formats: rendered commands with the param values
 * substituted and quoted, groups and includes numbered, the rollback of a step with its condition, run-time values
 * shown as «steps.x.outputs.y», guards over params evaluated and guards over facts left for the run.
 */
class PlanRenderingTest {

    private static final String RUNBOOK = """
            runbook: web-deploy
            description: Deploy the web app
            version: 1
            params:
              release: { type: string, required: true, description: the git ref }
              app_dir: { type: string, default: "/srv/my app" }
              compose: { type: command, default: "docker compose" }
              tier: { type: string, default: standard, allowed: [standard, premium] }
            targets:
              app: { ssh: "deploy@app1.example.com" }
            facts:
              health: { http: { url: "https://app1.example.com/health" } }
            preconditions:
              - that: "facts.health.status == 200"
                message: the app must be healthy before we touch it
            rollback_on:
              - name: errors after restart
                when: "facts.health.status != 200"
                armed_after: restart
            steps:
              - id: backup
                run: "pg_dump app > /var/backups/app-${params.release}.sql"
                outputs:
                  file: "/var/backups/app-${params.release}.sql"
              - id: deploy
                name: Deploy the release
                group:
                  - id: pull
                    on: app
                    run: "cd ${params.app_dir} && ${params.compose} pull web:${params.release}"
                    rollback:
                      - on: app
                        run: "psql app < ${steps.backup.outputs.file}"
                        when: previous.failed
                      - on: app
                        run: "${params.compose} up -d web:previous"
                  - id: warm_cache
                    when: "params.tier == 'premium'"
                    run: "echo warming"
                  - id: standard_note
                    when: "params.tier == 'standard'"
                    run: "echo standard tier"
              - id: migrate
                include: lib/migrate.yml
                with: { app_dir: "${params.app_dir}" }
              - id: restart
                on: app
                when: "facts.health.status == 200"
                run: "${params.compose} restart web"
            success:
              - name: healthy
                that: "facts.health.status == 200"
            """;

    private static final String FRAGMENT = """
            fragment: rails-migrate
            description: Run the migrations
            params:
              app_dir: { type: string, required: true }
            steps:
              - id: db_migrate
                run: "cd ${params.app_dir} && bin/rails db:migrate"
            """;

    @TempDir
    Path dir;

    Path file;

    @BeforeEach
    void write() throws IOException {
        file = dir.resolve("deploy.yml");
        Files.writeString(file, RUNBOOK);
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/migrate.yml"), FRAGMENT);
    }

    private Plan plan() {
        var inputs = new ParamBinder.Inputs(List.of(), Map.of("release", "v1.2.3"), Map.of());
        return Runbooks.plan(Runbooks.require(file), inputs, true);
    }

    private String cli(String format) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plan", file.toString(), "--offline", "--set", "release=v1.2.3",
                "--format", format}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        return out.toString();
    }

    @Test
    void thePlanHasEveryStepInOrderWithGroupsAndIncludesNumbered() {
        Plan plan = plan();

        assertThat(plan.steps()).extracting(Plan.Step::number, Plan.Step::id, Plan.Step::depth).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", "backup", 0),
                org.assertj.core.groups.Tuple.tuple("2", "deploy", 0),
                org.assertj.core.groups.Tuple.tuple("2.1", "pull", 1),
                org.assertj.core.groups.Tuple.tuple("2.2", "warm_cache", 1),
                org.assertj.core.groups.Tuple.tuple("2.3", "standard_note", 1),
                org.assertj.core.groups.Tuple.tuple("3", "migrate", 0),
                org.assertj.core.groups.Tuple.tuple("3.1", "db_migrate", 1),
                org.assertj.core.groups.Tuple.tuple("4", "restart", 0));
        assertThat(plan.summary()).isEqualTo("4 steps (8 counting those in groups and includes), 1 with rollback,"
                + " 0 irreversible; 1 precondition, 1 rollback trigger, 1 success check");
    }

    @Test
    void text() {
        String text = cli("text");

        assertThat(text).contains(
                "Plan: web-deploy — Deploy the web app",
                "Note: offline: facts are not collected",
                "release = v1.2.3   (--set)",
                "compose = docker compose   (default)",
                "app [ssh] deploy@app1.example.com",
                "1. backup   [run on local]",
                "run: pg_dump app > /var/backups/app-v1.2.3.sql",
                "output file = /var/backups/app-v1.2.3.sql",
                "2. deploy — Deploy the release   [group on local]",
                "group of 3 steps: pull, warm_cache, standard_note",
                "2.1. pull   [run on app]",
                "run: cd '/srv/my app' && docker compose pull web:v1.2.3",
                "rollback (if the run rolls back after this step):",
                "a. [run on app] when previous.failed: run: psql app < «steps.backup.outputs.file»",
                "b. [run on app] run: docker compose up -d web:previous",
                "2.2. warm_cache   [run on local]",
                "when params.tier == 'premium'  -> fails (the step will be skipped)",
                "when params.tier == 'standard'  -> holds",
                "3. migrate   [include on local]",
                "include lib/migrate.yml (fragment rails-migrate) with app_dir=/srv/my app",
                "3.1. db_migrate   [run on local]",
                "run: cd '/srv/my app' && bin/rails db:migrate",
                "4. restart   [run on app]",
                "when facts.health.status == 200  -> not evaluated: reads facts.health: facts are not collected (offline)",
                "run: docker compose restart web",
                "[?] errors after restart   [armed after restart]",
                "when facts.health.status != 200",
                "Summary: 4 steps (8 counting those in groups and includes)");
        // the steps come in order
        assertThat(text.indexOf("1. backup")).isLessThan(text.indexOf("2.1. pull"));
        assertThat(text.indexOf("2.1. pull")).isLessThan(text.indexOf("3.1. db_migrate"));
        assertThat(text.indexOf("3.1. db_migrate")).isLessThan(text.indexOf("4. restart"));
        // a run-time value is never shown as a guess or as an empty string
        assertThat(text).doesNotContain("psql app < \n").doesNotContain("psql app < ''");
    }

    @Test
    void json() {
        JsonNode root = JsonMapper.builder().build().readTree(cli("json"));

        assertThat(root.get("runbook").asString()).isEqualTo("web-deploy");
        assertThat(root.get("offline").asBoolean()).isTrue();
        JsonNode release = find(root.get("params"), "name", "release");
        assertThat(release.get("value").asString()).isEqualTo("v1.2.3");
        assertThat(release.get("source").asString()).isEqualTo("--set");

        JsonNode steps = root.get("steps");
        assertThat(steps.isArray()).isTrue();
        assertThat(steps.size()).isEqualTo(8);

        JsonNode backup = find(steps, "id", "backup");
        assertThat(texts(backup.get("actions"))).containsExactly("run: pg_dump app > /var/backups/app-v1.2.3.sql");
        assertThat(backup.get("outputs").get("file").asString()).isEqualTo("/var/backups/app-v1.2.3.sql");

        JsonNode pull = find(steps, "id", "pull");
        assertThat(pull.get("number").asString()).isEqualTo("2.1");
        assertThat(pull.get("depth").asInt()).isEqualTo(1);
        assertThat(pull.get("target").asString()).isEqualTo("app");
        assertThat(texts(pull.get("actions"))).containsExactly("run: cd '/srv/my app' && docker compose pull web:v1.2.3");
        JsonNode rollback = pull.get("rollback");
        assertThat(rollback.size()).isEqualTo(2);
        assertThat(rollback.get(0).get("when").asString()).isEqualTo("previous.failed");
        assertThat(rollback.get(0).get("target").asString()).isEqualTo("app");
        assertThat(rollback.get(0).get("action").asString()).isEqualTo("run: psql app < «steps.backup.outputs.file»");
        assertThat(rollback.get(1).get("when").isNull()).isTrue();
        assertThat(rollback.get(1).get("action").asString()).isEqualTo("run: docker compose up -d web:previous");

        assertThat(find(steps, "id", "warm_cache").get("guard").get("status").asString()).isEqualTo("fails");
        assertThat(find(steps, "id", "standard_note").get("guard").get("status").asString()).isEqualTo("holds");
        JsonNode restartGuard = find(steps, "id", "restart").get("guard");
        assertThat(restartGuard.get("status").asString()).isEqualTo("not evaluated");
        assertThat(restartGuard.get("detail").asString()).contains("facts.health");
        assertThat(find(steps, "id", "backup").get("guard").isNull()).isTrue();

        JsonNode migrate = find(steps, "id", "db_migrate");
        assertThat(migrate.get("number").asString()).isEqualTo("3.1");
        assertThat(texts(migrate.get("actions"))).containsExactly("run: cd '/srv/my app' && bin/rails db:migrate");

        JsonNode triggers = root.get("triggers");
        assertThat(triggers.size()).isEqualTo(1);
        assertThat(triggers.get(0).get("name").asString()).isEqualTo("errors after restart");
        assertThat(triggers.get(0).get("armedAfter").asString()).isEqualTo("restart");
        assertThat(triggers.get(0).get("expression").asString()).isEqualTo("facts.health.status != 200");
        assertThat(triggers.get(0).get("status").asString()).isEqualTo("not evaluated");

        assertThat(root.get("preconditions").get(0).get("status").asString()).isEqualTo("not evaluated");
        assertThat(root.get("success").get(0).get("name").asString()).isEqualTo("healthy");
    }

    @Test
    void markdown() {
        String md = cli("markdown");

        assertThat(md).contains(
                "# Plan: web-deploy",
                "| release | string | `v1.2.3` | --set |",
                "## Steps",
                "- **1. backup** · `run` on `local`",
                "`run: pg_dump app > /var/backups/app-v1.2.3.sql`",
                "- **2. deploy** — Deploy the release · `group` on `local`",
                "  - **2.1. pull** · `run` on `app`",
                "`run: cd '/srv/my app' && docker compose pull web:v1.2.3`",
                "- rollback:",
                "1. on `app` when `previous.failed`: `run: psql app < «steps.backup.outputs.file»`",
                "1. on `app`: `run: docker compose up -d web:previous`",
                "- when `params.tier == 'premium'`: fails",
                "- when `params.tier == 'standard'`: holds",
                "  - **3.1. db_migrate** · `run` on `local`",
                "`run: cd '/srv/my app' && bin/rails db:migrate`",
                "- when `facts.health.status == 200`: not evaluated",
                "## Rollback triggers",
                "| errors after restart | `facts.health.status != 200` | restart | not evaluated",
                "**Summary:** 4 steps (8 counting those in groups and includes)");
    }

    @Test
    void markdownSaysAStepWhoseGuardFailsWillBeSkipped() {
        String md = cli("markdown");

        // The text plan says "-> fails (the step will be skipped)"; the Markdown plan only says "fails", which a
        // reviewer can read as "this step fails".
        String line = md.lines().filter(l -> l.contains("params.tier == 'premium'")).findFirst().orElseThrow();
        assertThat(line).contains("skipped");
    }

    @Test
    void theThreeFormatsAgreeOnTheRenderedCommands() {
        Plan plan = plan();
        String text = PlanText.render(plan);
        String md = PlanMarkdown.render(plan);
        String json = PlanJson.render(plan);
        JsonNode root = JsonMapper.builder().build().readTree(json);

        for (Plan.Step s : plan.steps()) {
            for (String action : s.actions()) {
                assertThat(text).contains(action);
                assertThat(md).contains(action.replace("|", "\\|"));
                assertThat(texts(find(root.get("steps"), "id", s.id()).get("actions"))).contains(action);
            }
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.get(field) != null && value.equals(n.get(field).asString())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static final String DOCKER = """
            runbook: shop-deploy
            version: 1
            params:
              release: { type: string, default: "2.4.0" }
              db_password: { type: string, secret: true, default: hunter2 }
            targets:
              engine: { docker: "unix:///var/run/docker.sock" }
              remote: { docker: "tcp://10.0.0.5:2376", certs: /etc/runbook/docker-certs }
              nearby: { docker: default }
              app: { ssh: "deploy@app1.example.com" }
            steps:
              - id: fetch
                on: engine
                pull: "shop:${params.release}"
              - id: migrate
                on: engine
                container:
                  image: "shop:${params.release}"
                  command: "bin/rails db:migrate"
                  env: { RAILS_ENV: production, DB_PASSWORD: "${params.db_password}" }
                  mounts: [ "/srv/shop/config:/app/config:ro" ]
                  network: host
              - id: deploy
                on: app
                compose: { dir: /srv/shop, files: [ docker-compose.yml ], project: shop, command: "up -d web", env: { TAG: "${params.release}" } }
                changes_image: { on: engine, project: shop, service: web }
                rollback:
                  - { on: engine, exec: { service: web, project: shop, command: "bin/rails cache:clear" } }
                  - { on: engine, restart: { container: shop-web-1 } }
              - id: warm
                on: engine
                exec: { service: web, project: shop, command: "bin/rails cache:warm" }
              - { id: bounce, on: engine, restart: { service: web, project: shop } }
              - { id: halt, on: nearby, stop: { container: shop-worker-1 } }
              - { id: boot, on: remote, start: { container: shop-worker-1 } }
              - { id: legacy, on: app, compose: { command: "pull", cli: docker-compose } }
              - { id: oneoff, on: engine, container: { image: "busybox:1", network: none } }
            """;

    private String dockerPlan(String format) throws IOException {
        Path docker = dir.resolve("docker.yml");
        Files.writeString(docker, DOCKER);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plan", docker.toString(), "--offline", "--format", format},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void dockerStepsReadAsOneLineEach() throws IOException {
        String text = dockerPlan("text");
        assertThat(text).contains(
                "engine [docker] unix:///var/run/docker.sock",
                "remote [docker] tcp://10.0.0.5:2376 (TLS, certs in /etc/runbook/docker-certs)",
                "nearby [docker] default (DOCKER_HOST, else unix:///var/run/docker.sock)",
                "1. fetch   [pull on engine]",
                "pull shop:2.4.0",
                "2. migrate   [container on engine]",
                "container shop:2.4.0: bin/rails db:migrate (env RAILS_ENV, DB_PASSWORD;"
                        + " mounts /srv/shop/config:/app/config:ro; network host); removed when it ends",
                "3. deploy   [compose on app]",
                "compose up -d web (in /srv/shop, project shop, files docker-compose.yml, env TAG)",
                "records the image of service web (shop) on engine first; rolling back restores it",
                "a. [exec on engine] exec in service web of project shop: bin/rails cache:clear",
                "b. [restart on engine] restart container shop-web-1",
                "4. warm   [exec on engine]",
                "exec in service web of project shop: bin/rails cache:warm",
                "restart service web of project shop",
                "6. halt   [stop on nearby]",
                "stop container shop-worker-1",
                "7. boot   [start on remote]",
                "start container shop-worker-1",
                "compose pull (in the runbook's directory, with docker-compose)",
                "container busybox:1: the image's own command (network none); removed when it ends");
        // env values are not shown (a secret among them would be masked anyway)
        assertThat(text).doesNotContain("hunter2").doesNotContain("production");

        assertThat(dockerPlan("markdown")).contains(
                "- **engine** (docker): unix:///var/run/docker.sock",
                "`exec in service web of project shop: bin/rails cache:warm`",
                "`records the image of service web (shop) on engine first; rolling back restores it`",
                "on `engine`: `restart container shop-web-1`");

        JsonNode root = JsonMapper.builder().build().readTree(dockerPlan("json"));
        JsonNode deploy = find(root.get("steps"), "id", "deploy");
        assertThat(deploy.get("kind").asString()).isEqualTo("compose");
        assertThat(texts(deploy.get("actions"))).containsExactly(
                "compose up -d web (in /srv/shop, project shop, files docker-compose.yml, env TAG)",
                "records the image of service web (shop) on engine first; rolling back restores it");
        assertThat(find(root.get("steps"), "id", "bounce").get("kind").asString()).isEqualTo("restart");
        assertThat(texts(find(root.get("steps"), "id", "halt").get("actions")))
                .containsExactly("stop container shop-worker-1");
    }
}
