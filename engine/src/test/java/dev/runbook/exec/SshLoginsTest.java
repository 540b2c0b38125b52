package dev.runbook.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.exec.ssh.SshOptions;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import dev.runbook.vars.ParamBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSH target's key and known_hosts file from params, as runbooks/production.yml writes them: a param left empty
 * means "not given", so ~/.ssh/config, ssh-agent, the default keys and ~/.ssh/known_hosts apply.
 */
class SshLoginsTest {

    @TempDir
    Path dir;

    private SshOptions options(String identity, String knownHosts) {
        Path file = RunFixture.runbook(dir, "r.yml", """
                runbook: r
                version: 1
                params:
                  key:   { type: string, default: "" }
                  known: { type: string, default: "" }
                targets:
                  app:
                    ssh: "deploy@app.example.com"
                    identity: "${params.key}"
                    known_hosts: "${params.known}"
                steps:
                  - { id: s, on: app, run: "true" }
                """);
        Runbook rb = Runbooks.require(file);
        var params = Runbooks.bind(rb, new ParamBinder.Inputs(List.of(), Map.of("key", identity, "known", knownHosts),
                Map.of()));
        try (SshLogins logins = new SshLogins(params, new SshLogins.Settings(false, dir))) {
            return logins.options((Target.Ssh) rb.targets().get("app"));
        }
    }

    @Test
    void emptyParamsLeaveTheSshDefaults() {
        SshOptions o = options("", "");
        assertThat(o.identities()).isEmpty();
        assertThat(o.knownHosts()).isEqualTo(SshOptions.defaults().knownHosts());
    }

    @Test
    void givenParamsNameTheKeyAndTheKnownHostsFile() {
        SshOptions o = options("keys/deploy", "/etc/runbook/known_hosts");
        assertThat(o.identities()).containsExactly(dir.resolve("keys/deploy"));
        assertThat(o.knownHosts()).isEqualTo(Path.of("/etc/runbook/known_hosts"));
    }
}
