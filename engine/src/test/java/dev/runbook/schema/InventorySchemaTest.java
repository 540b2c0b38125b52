package dev.runbook.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import dev.runbook.parse.Keys;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code schemas/inventory.schema.json} describes the inventory files the parser reads: the same keys at the same
 * places, the valid fixture passes it, broken ones do not, and {@code runbook schema inventory} prints it.
 */
class InventorySchemaTest {

    static Schema schema;
    static JsonNode root;

    @BeforeAll
    static void load() {
        RunbookSchemaFixtureTest.loadSchemas();
        schema = RunbookSchemaFixtureTest.registry.getSchema(
                SchemaLocation.of(RunbookSchemaFixtureTest.SCHEMA_BASE + "inventory.schema.json"));
        root = RunbookSchemaFixtureTest.JSON.readTree(RunbookSchemaFixtureTest.read(
                RunbookSchemaFixtureTest.repoRoot.resolve("schemas/inventory.schema.json")));
    }

    @Test
    void sameKeysAsTheParser() {
        assertThat(keys(root)).isEqualTo(new TreeSet<>(Keys.INVENTORY));
        assertThat(keys(root.path("$defs").path("group"))).isEqualTo(new TreeSet<>(Keys.INVENTORY_GROUP));
        assertThat(keys(root.path("$defs").path("host"))).isEqualTo(new TreeSet<>(Keys.INVENTORY_HOST));
        List<String> missing = new java.util.ArrayList<>();
        RunbookSchemaFixtureTest.collectMissingDescriptions(root, "#", missing);
        assertThat(missing).isEmpty();
    }

    @Test
    void theValidInventoryPassesAndBrokenOnesDoNot() {
        Path valid = RunbookSchemaFixtureTest.repoRoot.resolve("engine/src/test/resources/inventories/valid/acme-hosts.yml");
        assertThat(errors(RunbookSchemaFixtureTest.read(valid))).isEmpty();
        assertThat(errors("groups: { web: { hosts: { web1: \"deploy@\" } } }\n")).isNotEmpty();
        assertThat(errors("groups: { web: { hosts: { web1: { ssh: deploy@web1, port: 22 } } } }\n")).isNotEmpty();
        assertThat(errors("groups: { \"web pool\": { hosts: { web1: deploy@web1 } } }\n")).isNotEmpty();
        assertThat(errors("vars: { app_dir: /srv }\n")).isNotEmpty();
    }

    @Test
    void theCliPrintsIt() {
        StringWriter out = new StringWriter();
        int code = dev.runbook.cli.Main.run(new String[] {"schema", "inventory"}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(new StringWriter()));
        assertThat(code).isZero();
        assertThat(RunbookSchemaFixtureTest.JSON.readTree(out.toString())).isEqualTo(root);
    }

    private static List<String> errors(String yaml) {
        return RunbookSchemaFixtureTest.format(schema.validate(RunbookSchemaFixtureTest.YAML.readTree(yaml)));
    }

    private static Set<String> keys(JsonNode node) {
        return new TreeSet<>(node.path("properties").propertyNames());
    }
}
