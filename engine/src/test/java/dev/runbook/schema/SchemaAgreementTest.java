package dev.runbook.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.Runbooks;
import dev.runbook.parse.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The parser is the truth of the language and the schema describes it for editors: both must know the
 * same keys at the same places, and every valid runbook the repository ships must pass both.
 */
class SchemaAgreementTest {

    static JsonNode schema;

    @BeforeAll
    static void load() throws Exception {
        RunbookSchemaFixtureTest.loadSchemas();
        schema = RunbookSchemaFixtureTest.JSON.readTree(
                Files.readString(RunbookSchemaFixtureTest.repoRoot.resolve("schemas/runbook.schema.json")));
    }

    static Stream<String> definitions() {
        return Keys.BY_SCHEMA_DEFINITION.keySet().stream().sorted();
    }

    @ParameterizedTest(name = "schema definition ''{0}'' has exactly the parser's keys")
    @MethodSource("definitions")
    void sameKeys(String definition) {
        JsonNode node = definition.isEmpty() ? schema : schema.path("$defs").path(definition);
        assertThat(node.isMissingNode()).as("$defs/%s exists in the schema", definition).isFalse();
        Set<String> inSchema = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").properties().iterator(); it.hasNext(); ) {
            inSchema.add(it.next().getKey());
        }
        assertThat(inSchema).as("keys of '%s' in the schema vs the parser", definition)
                .containsExactlyInAnyOrderElementsOf(Keys.BY_SCHEMA_DEFINITION.get(definition));
    }

    @Test
    void schemaServedByTheCliIsTheRepositorysSchema() throws Exception {
        var out = new java.io.StringWriter();
        int code = dev.runbook.cli.Main.run(new String[] {"schema"}, new java.io.PrintWriter(out),
                new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(code).isZero();
        assertThat(RunbookSchemaFixtureTest.JSON.readTree(out.toString())).isEqualTo(schema);
    }

    static Stream<String> shippedRunbooks() {
        return RunbookSchemaFixtureTest.fixtureFiles()
                .filter(f -> !isFragment(RunbookSchemaFixtureTest.repoRootOrFind().resolve(f)));
    }

    @ParameterizedTest(name = "{0} passes the parser and the schema")
    @MethodSource("shippedRunbooks")
    void validForBoth(String relativePath) {
        Path file = RunbookSchemaFixtureTest.repoRootOrFind().resolve(relativePath);
        assertThat(Runbooks.load(file).problems()).as("parser problems of %s", relativePath).isEmpty();
        RunbookSchemaFixtureTest.assertValid(relativePath, RunbookSchemaFixtureTest.read(file));
    }

    private static boolean isFragment(Path file) {
        return RunbookSchemaFixtureTest.read(file).lines().anyMatch(l -> l.startsWith("fragment:"));
    }
}
