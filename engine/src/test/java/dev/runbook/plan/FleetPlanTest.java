package dev.runbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plan of steps on SSH fleets, as a reviewer reads it: the hosts of an inventory group (or the group's name when
 * the plan has no inventory), the rollout (batches, failures tolerated, parallelism), run_once, and the files
 * uploads and downloads copy.
 */
class FleetPlanTest {

    private static final String RUNBOOK = """
            runbook: fleet-deploy
            version: 1
            params:
              release: { type: string, default: v1.2.3 }
            targets:
              web: { ssh: "@web", serial: 2, max_fail: 1, forks: 20 }
              pair: { ssh: [ "deploy@10.0.0.21", "deploy@10.0.0.22" ] }
              canary: { ssh: [ "deploy@10.0.0.31", "deploy@10.0.0.32" ], serial: "25%", max_fail: "10%" }
              db: { ssh: "postgres@10.0.0.20" }
            steps:
              - id: config
                on: web
                upload: { from: files/app.env, to: "/srv/app/${params.release}/.env", mode: "0640" }
              - id: migrate
                on: web
                run_once: true
                run: bin/rails db:migrate
              - id: restart
                on: pair
                run: systemctl restart app
              - id: smoke
                on: canary
                run: curl -fsS localhost/health
              - id: logs
                on: web
                download: { from: /srv/app/log/production.log, to: "logs/${target.name}.log" }
              - id: dump
                on: db
                download: { from: /var/backups/app.sql, to: backups/app.sql }
            """;

    private static final String INVENTORY = """
            vars: { app_dir: /srv/app }
            groups:
              web:
                hosts:
                  web1: { ssh: "deploy@10.0.0.11", vars: { weight: 2 } }
                  web2: "deploy@10.0.0.12:2222"
                  web3: "deploy@10.0.0.13"
            """;

    @TempDir
    Path dir;

    Path file;

    @BeforeEach
    void write() throws IOException {
        file = dir.resolve("deploy.yml");
        Files.writeString(file, RUNBOOK);
        Files.writeString(dir.resolve("hosts.yml"), INVENTORY);
    }

    private String plan(String format, String... more) {
        List<String> args = new ArrayList<>(List.of("plan", file.toString(), "--offline", "--format", format));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private static final String WEB_HOSTS = "web1 (deploy@10.0.0.11), web2 (deploy@10.0.0.12:2222),"
            + " web3 (deploy@10.0.0.13)";
    private static final String WEB_ROLLOUT = "2 hosts at a time (serial 2), forks 20; a failed host is rolled back"
            + " on its own and leaves the run, up to 1 (max_fail 1, in a batch and overall); more stop the run and roll"
            + " back the hosts already changed";

    @Test
    void textWithTheInventoryListsTheGroupsHostsAndTheRollout() {
        String text = plan("text", "--inventory", dir.resolve("hosts.yml").toString());
        String in = "       ";
        assertThat(text).contains("  web [ssh] " + WEB_HOSTS + "\n");
        assertThat(text).contains("  1. config   [upload on web]\n"
                + in + "upload files/app.env -> /srv/app/v1.2.3/.env (0640)\n"
                + in + "on 3 hosts: " + WEB_HOSTS + "\n"
                + in + "rollout: " + WEB_ROLLOUT + "\n");
        assertThat(text).contains("  2. migrate   [run on web]\n"
                + in + "run: bin/rails db:migrate\n"
                + in + "on 3 hosts: " + WEB_HOSTS + "\n"
                + in + "once, on the first host still in play: web1 (deploy@10.0.0.11)\n");
        assertThat(text).contains("  3. restart   [run on pair]\n"
                + in + "run: systemctl restart app\n"
                + in + "on 2 hosts: deploy@10.0.0.21, deploy@10.0.0.22\n"
                + in + "rollout: all hosts at once, forks 50 (the default); the first failed host stops the run and"
                + " rolls back the hosts already changed (max_fail 0)\n");
        assertThat(text).contains(in + "rollout: 25% of the hosts at a time (serial 25%), forks 50 (the default);"
                + " a failed host is rolled back on its own and leaves the run, up to 10% of the hosts (max_fail 10%,"
                + " in a batch and overall); more stop the run and roll back the hosts already changed\n");
        assertThat(text).contains("  5. logs   [download on web]\n"
                + in + "download /srv/app/log/production.log -> logs/\u00abtarget.name\u00bb.log\n"
                + in + "on 3 hosts: " + WEB_HOSTS + "\n");
        assertThat(text).contains("  6. dump   [download on db]\n"
                + in + "download /var/backups/app.sql -> backups/app.sql\n\n");
    }

    @Test
    void textWithoutAnInventoryNamesTheGroup() {
        String text = plan("text");
        String group = "@web (the hosts of inventory group 'web': give --inventory FILE to list them)";
        assertThat(text).contains("  web [ssh] " + group + "\n");
        assertThat(text).contains("       upload files/app.env -> /srv/app/v1.2.3/.env (0640)\n"
                + "       on " + group + "\n"
                + "       rollout: " + WEB_ROLLOUT + "\n");
        assertThat(text).contains("       run: bin/rails db:migrate\n"
                + "       on " + group + "\n"
                + "       once, on the first host still in play of group 'web'\n");
    }

    @Test
    void anInventoryWithoutTheGroupIsRefused() throws IOException {
        Files.writeString(dir.resolve("other.yml"), "groups: { db: { hosts: { db1: postgres@10.0.0.20 } } }\n");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plan", file.toString(), "--offline", "--inventory",
                dir.resolve("other.yml").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("target 'web' runs on the hosts of group 'web', but the inventory "
                + dir.resolve("other.yml") + " has no group 'web'; its groups are db").doesNotContain("Exception");
    }

    @Test
    void markdownAndJsonSayTheSame() {
        String md = plan("markdown", "--inventory", dir.resolve("hosts.yml").toString());
        assertThat(md).contains("- **1. config** · `upload` on `web`\n"
                + "  - `upload files/app.env -> /srv/app/v1.2.3/.env (0640)`\n"
                + "  - on 3 hosts: `web1 (deploy@10.0.0.11)`, `web2 (deploy@10.0.0.12:2222)`, `web3 (deploy@10.0.0.13)`\n"
                + "  - " + WEB_ROLLOUT + "\n");
        assertThat(md).contains("  - once, on the first host still in play: web1 (deploy@10.0.0.11)\n");

        JsonNode json = JsonMapper.builder().build().readTree(plan("json", "--inventory",
                dir.resolve("hosts.yml").toString()));
        JsonNode config = json.path("steps").get(0);
        assertThat(config.path("actions").get(0).asString()).isEqualTo("upload files/app.env -> /srv/app/v1.2.3/.env (0640)");
        assertThat(config.path("fleet").path("hosts")).hasSize(3);
        assertThat(config.path("fleet").path("rollout").asString()).isEqualTo(WEB_ROLLOUT);
        assertThat(config.path("fleet").path("once").asBoolean()).isFalse();
        assertThat(json.path("steps").get(1).path("fleet").path("once").asBoolean()).isTrue();
        assertThat(json.path("steps").get(5).path("fleet").isNull()).isTrue();
    }
}
