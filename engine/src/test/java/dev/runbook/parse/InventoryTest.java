package dev.runbook.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.Runbooks;
import dev.runbook.diag.InputException;
import dev.runbook.diag.InvalidRunbookException;
import dev.runbook.diag.Problem;
import dev.runbook.diag.Problems;
import dev.runbook.model.Inventory;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import dev.runbook.vars.TargetHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inventory files ({@code --inventory FILE}): the corpus of {@code src/test/resources/inventories} (each invalid
 * file names its problems as the runbook corpus does, see {@link Fixtures}), the vars each host ends up with, and
 * how a target's hosts are found: written in the runbook, or an inventory group.
 */
class InventoryTest {

    static final Path INVENTORIES = Path.of("src", "test", "resources", "inventories");
    static final Path ACME = INVENTORIES.resolve("valid/acme-hosts.yml");

    static Stream<Path> invalid() {
        return Fixtures.yamlFiles(INVENTORIES.resolve("invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsExactlyTheExpectedProblems(Path fixture) {
        Problems problems = new Problems();
        assertThat(InventoryParser.read(fixture, problems)).isEmpty();
        Fixtures.assertExactly(fixture, Fixtures.header(fixture).expected(), problems.sorted());
        assertThatThrownBy(() -> InventoryParser.load(fixture)).isInstanceOf(InvalidRunbookException.class);
    }

    @Test
    void aHostHasTheFilesVarsThenItsGroupsThenItsOwn() {
        Inventory inv = InventoryParser.load(ACME);
        assertThat(inv.file()).isEqualTo(ACME);
        assertThat(inv.groups().keySet()).containsExactly("web", "db", "all");
        Inventory.Group web = inv.groups().get("web");
        assertThat(web.vars()).containsExactly(Map.entry("pool", "blue"));
        assertThat(web.hosts()).extracting(Inventory.Host::name, Inventory.Host::address).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web1", "deploy@10.0.0.11"),
                org.assertj.core.groups.Tuple.tuple("web2", "deploy@10.0.0.12:2222"));
        assertThat(web.hosts().get(0).vars()).containsExactly(Map.entry("app_dir", "/srv/app"),
                Map.entry("pool", "blue"), Map.entry("weight", 2L));
        assertThat(web.hosts().get(1).vars()).containsExactly(Map.entry("app_dir", "/srv/app"),
                Map.entry("pool", "blue"));
        assertThat(web.hosts().get(0).at().line()).isEqualTo(7);
        assertThat(inv.groups().get("db").hosts().get(0).vars()).containsExactly(Map.entry("app_dir", "/srv/app"),
                Map.entry("pool", "none"));
        assertThat(inv.groups().get("all").hosts()).extracting(Inventory.Host::address)
                .containsExactly("deploy@10.0.0.11", "deploy@[2001:db8::1]:22", "web3.example.com");
        assertThat(inv.groups().get("all").hosts().get(0).vars()).containsEntry("pool", "all");
    }

    @Test
    void aTargetOnAGroupRunsOnTheGroupsHosts(@TempDir Path dir) throws IOException {
        Runbook rb = runbook(dir);
        BoundParams params = Runbooks.bind(rb, new ParamBinder.Inputs(List.of(), Map.of(), Map.of()).withInventory(ACME));
        assertThat(params.inventory().groups()).containsKey("web");
        assertThat(TargetHosts.of(ssh(rb, "web"), params)).extracting(Inventory.Host::name).containsExactly("web1", "web2");
        assertThat(TargetHosts.of(ssh(rb, "pair"), params)).extracting(Inventory.Host::name, Inventory.Host::address,
                Inventory.Host::vars).containsExactly(
                org.assertj.core.groups.Tuple.tuple("deploy@app1.example.com", "deploy@app1.example.com", Map.of()),
                org.assertj.core.groups.Tuple.tuple("deploy@app2", "deploy@app2", Map.of()));
        assertThatThrownBy(() -> TargetHosts.of(ssh(rb, "cache"), params)).isInstanceOf(InputException.class)
                .hasMessage("target 'cache' runs on the hosts of group 'cache', but the inventory " + ACME
                        + " has no group 'cache'; its groups are web, db, all");
    }

    @Test
    void aGroupWithoutAnInventoryAsksForOne(@TempDir Path dir) throws IOException {
        Runbook rb = runbook(dir);
        BoundParams params = Runbooks.bind(rb, ParamBinder.Inputs.none());
        assertThat(params.inventory()).isSameAs(Inventory.NONE);
        assertThatThrownBy(() -> TargetHosts.of(ssh(rb, "web"), params)).isInstanceOf(InputException.class)
                .hasMessage("target 'web' runs on the hosts of inventory group 'web': give the inventory with"
                        + " --inventory FILE");
    }

    @Test
    void theInventorysProblemsAreReportedWhenBinding(@TempDir Path dir) throws IOException {
        Runbook rb = runbook(dir);
        Path bad = INVENTORIES.resolve("invalid/same-host-two-addresses.yml");
        assertThatThrownBy(() -> Runbooks.bind(rb, ParamBinder.Inputs.none().withInventory(bad)))
                .isInstanceOfSatisfying(InvalidRunbookException.class, e -> assertThat(e.problems())
                        .extracting(Problem::format).singleElement().asString()
                        .startsWith(bad + ":8:").contains("a host name has one address in all its groups"));
        assertThatThrownBy(() -> Runbooks.bind(rb, ParamBinder.Inputs.none().withInventory(dir.resolve("nope.yml"))))
                .isInstanceOf(InvalidRunbookException.class).hasMessageContaining("no such file");
    }

    @Test
    void recordedValuesKeepTheInventory() {
        ParamBinder.Inputs in = ParamBinder.Inputs.none().withInventory(ACME).withRecorded(Map.of("a", 1));
        assertThat(in.inventory()).isEqualTo(ACME);
        assertThat(new ParamBinder.Inputs(List.of(), Map.of(), Map.of(), Map.of()).inventory()).isNull();
    }

    private static Runbook runbook(Path dir) throws IOException {
        Path file = dir.resolve("fleet.yml");
        Files.writeString(file, """
                runbook: fleet
                version: 1
                params:
                  app_host: { type: string, default: app1.example.com }
                targets:
                  web: { ssh: "@web" }
                  cache: { ssh: "@cache" }
                  pair: { ssh: [ "deploy@${params.app_host}", "deploy@app2" ] }
                steps:
                  - id: a
                    on: web
                    run: echo hi
                """);
        return Runbooks.require(file);
    }

    private static Target.Ssh ssh(Runbook rb, String name) {
        return (Target.Ssh) rb.targets().get(name);
    }
}
