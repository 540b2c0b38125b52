package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runbook explain}: the sentences a reviewer who does not read YAML relies on, offline, secrets masked. */
class ExplainCommandTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String PRODUCTION = ROOT.resolve("runbooks/production.yml").toString();
    static final String CUSTOMER = ROOT.resolve("runbooks/customers/example.yml").toString();

    @TempDir
    Path tmp;

    private static final String FLEET = """
            runbook: fleet-restart
            description: Restart the web fleet
            version: 1
            params:
              token: { type: string, secret: true, default: s3cr3t-t0ken }
              release: { type: string, required: true }
            targets:
              web: { ssh: [ "deploy@web1", "deploy@web2", "deploy@web3", "deploy@web4" ], serial: "25%", max_fail: 1 }
            preconditions:
              - name: release given
                that: "params.release != ''"
                message: say which release
            rollback_on:
              - name: too many errors
                when: "steps.restart.exit_code != 0"
                armed_after: restart
                message: the restart went wrong
            steps:
              - id: restart
                name: Restart the app
                on: web
                retries: 2
                delay: 10s
                when: "params.release != 'none'"
                run: "curl -H 'Authorization: ${params.token}' http://localhost/restart?v=${params.release}"
                rollback:
                  - name: Start the old one
                    on: web
                    run: "systemctl start app-old"
              - id: ok
                name: Go on
                approve: "Keep ${params.release}?"
              - id: watch
                name: Watch
                monitor:
                  for: 30m
                  every: 1m
                  failure_limit: 2
                  checks:
                    - name: restart worked
                      that: "steps.restart.ok"
            success:
              - name: restarted
                that: "steps.restart.ok"
                message: the app did not restart
            """;

    @Test
    void explainsProductionAsAReviewerReadsIt() {
        RunFixture.Result r = RunFixture.cli("explain", PRODUCTION, "--vars", CUSTOMER);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .startsWith("production-deploy: Roll a release out to one customer's production stack")
                .contains("It works on the app host deploy@app1.ops.example.com over SSH.")
                .contains("customer Example Corp, release 2.4.0")
                .contains("Before anything changes, it checks that:\n  - production is healthy"
                        + " (`facts.health.status == 200 && facts.health.json.status == 'ok'`); otherwise it stops"
                        + " before changing anything: production must be healthy before we touch it")
                .contains("  5. Pull the latest code. On app, it runs `cd /srv/agent-ops && git pull --ff-only origin"
                        + " main`. If that fails it retries twice, 15s apart. If the run rolls back later, it undoes"
                        + " this by running `cd /srv/agent-ops && git reset --hard")
                .contains("  2. Pre-deploy sign-off. It stops and asks: Release 2.4.0 for Example Corp: code review"
                        + " done")
                .contains("  16. Delete the test campaign. Only when `steps.smoke_create_campaign.ok`.")
                .contains("     9.1. Run database migrations. On app, it runs")
                .contains("(only when `previous.failed`)")
                .contains("20. Post-deployment monitoring. For 24h it watches, every 1m, that: logs free of errors")
                .contains("After 3 failed rounds it rolls back")
                .contains("23. Send the release notes to the customer.", "This cannot be undone.")
                .contains("It rolls back by itself when a step fails, an approval is refused, or:\n"
                        + "  - security vulnerability discovered: `trim(facts.security_hold) == 'hold'`, checked from"
                        + " the start")
                .contains("performance degradation: `facts.agents_page.elapsed > params.page_budget ||"
                        + " facts.campaigns_page.elapsed > params.page_budget`, checked once step verify_caches is"
                        + " done")
                .contains("It succeeded when:\n  - no critical bugs reported")
                .contains("--dbname=***")
                .contains("Secrets (ci_token, db_url");
    }

    @Test
    void explainsAFleetAndMasksSecrets() {
        Path file = RunFixture.runbook(tmp, "fleet.yml", FLEET);
        RunFixture.Result r = RunFixture.cli("explain", file.toString(), "--set", "release=2.0");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .contains("It works on the web fleet, a fleet of 4 hosts (deploy@web1, deploy@web2, deploy@web3,"
                        + " deploy@web4) over SSH, rolled 25% of the hosts at a time (serial 25%)")
                .contains("up to 1 (max_fail 1")
                .contains("Before anything changes, it checks that:\n  - release given (`params.release != ''`);"
                        + " otherwise it stops before changing anything: say which release")
                .contains("  1. Restart the app. Only when `params.release != 'none'`. On web, it runs `curl -H"
                        + " 'Authorization: ***' http://localhost/restart?v=2.0`. It goes over 4 hosts,")
                .contains("If that fails it retries twice, 10s apart. If the run rolls back later, it undoes this by"
                        + " running `systemctl start app-old` on web.")
                .contains("  2. Go on. It stops and asks: Keep 2.0?")
                .contains("  3. Watch. For 30m it watches, every 1m, that: restart worked (steps.restart.ok). After 2"
                        + " failed rounds it rolls back")
                .contains("  - too many errors: `steps.restart.exit_code != 0`, checked once step restart is done"
                        + " (the restart went wrong)")
                .contains("It succeeded when:\n  - restarted (`steps.restart.ok`); otherwise the run counts as"
                        + " failed: the app did not restart")
                .doesNotContain("s3cr3t-t0ken");
    }

    @Test
    void anInvalidRunbookExitsTwo() {
        Path file = RunFixture.runbook(tmp, "bad.yml", "runbook: x\nversion: 1\nsteps: [ { id: a, frobnicate: 1 } ]\n");
        RunFixture.Result r = RunFixture.cli("explain", file.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.out()).isEmpty();
    }
}
