package dev.runbook.report;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.read;
import static dev.runbook.exec.RunFixture.runbook;
import static dev.runbook.report.ReportChecks.cases;
import static dev.runbook.report.ReportChecks.counts;
import static dev.runbook.report.ReportChecks.jsonProblems;
import static dev.runbook.report.ReportChecks.junit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import dev.runbook.testing.OpenSshHosts;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The reports of a run on a fleet of real OpenSSH hosts: host counts per step, one JUnit test case per host. */
class FleetReportTest {

    @TempDir
    Path dir;

    @Test
    void aFleetStepIsATestCasePerHostAndItsHostCountsAreInTheTable() throws Exception {
        OpenSshHosts ssh = OpenSshHosts.require();
        List<String> hosts = ssh.targets().subList(0, 3);
        String second = ssh.target(1);
        Path file = runbook(dir, "fleet.yml", "runbook: fleet-report\nversion: 1\ntargets:\n  web:\n"
                + "    ssh: [ " + hosts.stream().map(h -> "\"" + h + "\"").collect(Collectors.joining(", ")) + " ]\n"
                + "    known_hosts: " + ssh.knownHosts() + "\n    identity: " + ssh.key() + "\n"
                + "    connect_timeout: 5s\n"
                + "steps:\n"
                + "  - id: hello\n    on: web\n    run: \"echo hello from ${target.host}\"\n"
                + "  - id: check\n    on: web\n    run: \"test ${target.host} != " + ssh.hosts().get(1) + "\"\n");
        RunFixture.Result r = cli("exec", file.toString(), "--state-dir", dir.resolve("state").toString(),
                "--report", dir.resolve("r.md").toString(), "--junit", dir.resolve("r.xml").toString(),
                "--json-report", dir.resolve("r.json").toString());
        assertThat(r.code()).as(r.console()).isEqualTo(1);

        String md = read(dir.resolve("r.md"));
        assertThat(md).containsPattern("\\| `hello` \\| ok \\| [^|]+ \\| 1 \\| 3/3 ok \\|")
                .containsPattern("\\| `check` \\| \\*\\*FAILED\\*\\* \\| [^|]+ \\| \\d+ \\| 2/3 ok, 1 failed \\|")
                .contains("## Hosts where `check` was not ok\n\n- " + second);

        Document xml = junit(dir.resolve("r.xml"));
        List<String> cases = cases(xml);
        assertThat(cases.stream().filter(c -> c.startsWith("runbook.fleet-report.steps ")).sorted())
                .as(String.join("\n", cases)).containsExactlyInAnyOrder(
                        "runbook.fleet-report.steps check@" + ssh.target(0) + " passed",
                        "runbook.fleet-report.steps check@" + ssh.target(2) + " passed",
                        "runbook.fleet-report.steps check@" + second + " failure",
                        "runbook.fleet-report.steps hello@" + ssh.target(0) + " passed",
                        "runbook.fleet-report.steps hello@" + second + " passed",
                        "runbook.fleet-report.steps hello@" + ssh.target(2) + " passed");
        assertThat(counts(xml)).startsWith(cases.size() + "/1/0/");
        String json = read(dir.resolve("r.json"));
        assertThat(jsonProblems(json)).as(json).isEmpty();
        assertThat(json).contains("\"hosts_ok\" : 2", "\"hosts_failed\" : 1");
    }
}
