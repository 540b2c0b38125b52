package dev.runbook.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Keeps {@code schemas/runbook.schema.json} (and {@code schemas/fragment.schema.json}) honest: the schemas
 * are valid draft 2020-12 schemas, every runbook the repository ships validates against them, and
 * documents that break the language (docs/language.md) are rejected for the expected reason.
 */
class RunbookSchemaFixtureTest {

    static final String SCHEMA_BASE = "https://runbook.dev/schemas/";
    static final String RUNBOOK_SCHEMA_ID = SCHEMA_BASE + "runbook.schema.json";
    static final String FRAGMENT_SCHEMA_ID = SCHEMA_BASE + "fragment.schema.json";

    /** The $defs names other tests (and editors) rely on. */
    static final List<String> REQUIRED_DEFS = List.of(
            "param", "target", "fact", "http_fact", "sql_fact", "redis_fact", "websocket_fact", "logs_fact",
            "file_fact", "check", "trigger", "step", "rollback_step", "wait", "http_step", "http_expect",
            "monitor", "notify", "fragment");

    static final ObjectMapper JSON = new ObjectMapper();
    /** Duplicate keys are errors in the language; make the YAML reader agree. */
    static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static Path repoRoot;
    static SchemaRegistry registry;
    static Schema runbookSchema;
    static Schema fragmentSchema;

    @BeforeAll
    static void loadSchemas() {
        repoRoot = findRepoRoot();
        Path schemasDir = repoRoot.resolve("schemas");
        // https://runbook.dev/schemas/NAME is served from <repo>/schemas/NAME, so the fragment schema's
        // relative $ref to runbook.schema.json resolves offline. Anything else (the bundled meta-schemas)
        // falls through to the library's default loaders.
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(iri -> iri.startsWith(SCHEMA_BASE)
                        ? read(schemasDir.resolve(iri.substring(SCHEMA_BASE.length())))
                        : null));
        runbookSchema = registry.getSchema(SchemaLocation.of(RUNBOOK_SCHEMA_ID));
        fragmentSchema = registry.getSchema(SchemaLocation.of(FRAGMENT_SCHEMA_ID));
    }

    /** The repository root, found once. */
    static Path repoRootOrFind() {
        return repoRoot != null ? repoRoot : findRepoRoot();
    }

    /** Maven runs tests with cwd = engine/: walk up until a directory that holds {@code schemas/}. */
    static Path findRepoRoot() {
        Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("schemas"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory containing schemas/ above " + start);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- the schemas themselves

    @ParameterizedTest(name = "{0} is a valid draft 2020-12 schema")
    @MethodSource("schemaFiles")
    void schemaIsValidAgainstTheMetaSchema(String fileName) {
        Schema metaSchema = registry.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));
        String text = read(repoRoot.resolve("schemas").resolve(fileName));
        List<String> errors = format(metaSchema.validate(text, InputFormat.JSON));
        assertThat(errors).as("%s against the 2020-12 meta-schema", fileName).isEmpty();
        JsonNode node = JSON.readTree(text);
        assertThat(node.path("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(node.path("$id").asString()).isEqualTo(SCHEMA_BASE + fileName);
    }

    static Stream<String> schemaFiles() {
        return Stream.of("runbook.schema.json", "fragment.schema.json", "inventory.schema.json");
    }

    @Test
    void schemaHasTheAgreedDefsAndADescriptionOnEveryPropertyAndDef() {
        JsonNode root = JSON.readTree(read(repoRoot.resolve("schemas/runbook.schema.json")));
        assertThat(root.path("$defs").propertyNames()).containsAll(REQUIRED_DEFS);
        assertThat(root.path("$defs").path("step").path("properties").propertyNames())
                .contains("id", "name", "description", "on", "when", "timeout", "retries", "delay", "rollback",
                        "outputs", "irreversible", "continue_on_error", "message", "run", "assert", "wait",
                        "http", "approve", "monitor", "notify", "group", "include", "with");
        assertThat(root.path("properties").propertyNames())
                .containsExactlyInAnyOrder("runbook", "description", "version", "env", "params", "targets", "facts",
                        "preconditions", "rollback_on", "steps", "success");
        List<String> missing = new ArrayList<>();
        collectMissingDescriptions(root, "#", missing);
        assertThat(missing).as("schema locations without a description").isEmpty();
    }

    /** Every entry of a {@code properties} or {@code $defs} map must carry a {@code description}. */
    static void collectMissingDescriptions(JsonNode node, String pointer, List<String> missing) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectMissingDescriptions(node.get(i), pointer + "/" + i, missing);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            String here = pointer + "/" + key;
            if ((key.equals("properties") || key.equals("$defs")) && value.isObject()) {
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    if (!entry.getValue().path("description").isString()) {
                        missing.add(here + "/" + entry.getKey());
                    }
                }
            }
            if (!key.equals("enum") && !key.equals("const") && !key.equals("default")) {
                collectMissingDescriptions(value, here, missing);
            }
        }
    }

    // ---------------------------------------------------------------- runbooks of the repository

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("fixtureFiles")
    void shippedRunbookValidates(String relativePath) {
        Path file = repoRoot.resolve(relativePath);
        assertValid(relativePath, read(file));
    }

    /** runbooks/*.yml (not customers/ or lib/), examples/*.yml and the parser's valid fixtures; may be none yet. */
    static Stream<String> fixtureFiles() {
        Path root = findRepoRoot();
        return Stream.of("runbooks", "examples", "engine/src/test/resources/runbooks/valid")
                .map(root::resolve)
                .filter(Files::isDirectory)
                .flatMap(RunbookSchemaFixtureTest::yamlFilesIn)
                .map(file -> root.relativize(file).toString().replace('\\', '/'))
                .sorted();
    }

    static Stream<Path> yamlFilesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".yml")
                            || f.getFileName().toString().endsWith(".yaml"))
                    .collect(Collectors.toList())
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- inline valid documents

    static Stream<Arguments> validDocuments() {
        return Stream.of(
                Arguments.of("minimal runbook", SampleDocuments.MINIMAL),
                Arguments.of("every step kind and fact kind", SampleDocuments.EVERYTHING),
                Arguments.of("language reference examples", SampleDocuments.REFERENCE_EXAMPLES),
                Arguments.of("fragment", SampleDocuments.FRAGMENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validDocuments")
    void inlineDocumentValidates(String name, String yaml) {
        assertValid(name, yaml);
    }

    @Test
    void everyStepKindAndFactKindIsCoveredByTheSamples() {
        JsonNode everything = YAML.readTree(SampleDocuments.EVERYTHING);
        List<String> stepKinds = new ArrayList<>();
        collectStepKinds(everything.path("steps"), stepKinds);
        assertThat(stepKinds).contains("run", "assert", "wait", "http", "approve", "monitor", "notify", "group",
                "include");
        List<String> factKinds = new ArrayList<>();
        for (Map.Entry<String, JsonNode> fact : everything.path("facts").properties()) {
            factKinds.addAll(fact.getValue().propertyNames());
        }
        assertThat(factKinds).contains("http", "shell", "sql", "redis", "websocket", "logs", "file");
    }

    static void collectStepKinds(JsonNode steps, List<String> kinds) {
        for (JsonNode step : steps) {
            kinds.addAll(step.propertyNames());
            collectStepKinds(step.path("group"), kinds);
            collectStepKinds(step.path("rollback"), kinds);
        }
    }

    // ---------------------------------------------------------------- inline invalid documents

    /**
     * Each case: a document with one defect, the keyword that must report it and the instance location
     * (JSON pointer) where it must be reported; every error must lie at or under that location.
     */
    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                Arguments.of("unknown top-level key", """
                        runbook: demo
                        version: 1
                        stages: []
                        steps:
                          - { id: hello, run: echo hello }
                        """, "additionalProperties", "", "stages"),
                Arguments.of("step with two kinds", """
                        runbook: demo
                        version: 1
                        steps:
                          - id: hello
                            run: echo hello
                            assert: "1 == 1"
                        """, "oneOf", "/steps/0", null),
                Arguments.of("step without a kind", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, name: nothing to do }
                        """, "oneOf", "/steps/0", null),
                Arguments.of("step id with a dash", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: verify-schema, run: echo hello }
                        """, "pattern", "/steps/0/id", null),
                Arguments.of("param type float", """
                        runbook: demo
                        version: 1
                        params:
                          ratio: { type: float, default: 0.5 }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "enum", "/params/ratio/type", null),
                Arguments.of("target with both ssh and docker", """
                        runbook: demo
                        version: 1
                        targets:
                          app: { ssh: deploy@app1, docker: "unix:///var/run/docker.sock" }
                        steps:
                          - { id: hello, on: app, run: echo hello }
                        """, "oneOf", "/targets/app", null),
                Arguments.of("ssh login key on a docker target", """
                        runbook: demo
                        version: 1
                        targets:
                          d: { docker: "unix:///var/run/docker.sock", identity: ~/.ssh/id }
                        steps:
                          - { id: hello, on: d, run: echo hello }
                        """, "not", "/targets/d", null),
                Arguments.of("container on a bridge network", """
                        runbook: demo
                        version: 1
                        targets:
                          engine: { docker: default }
                        steps:
                          - { id: migrate, on: engine, container: { image: "shop:1", network: bridge } }
                        """, "enum", "/steps/0/container/network", null),
                Arguments.of("restart of a service without its project", """
                        runbook: demo
                        version: 1
                        targets:
                          engine: { docker: default }
                        steps:
                          - { id: bounce, on: engine, restart: { service: web } }
                        """, "oneOf", "/steps/0/restart", null),
                Arguments.of("certs on an ssh target", """
                        runbook: demo
                        version: 1
                        targets:
                          app: { ssh: deploy@app1, certs: /etc/certs }
                        steps:
                          - { id: hello, on: app, run: echo hello }
                        """, "not", "/targets/app", null),
                Arguments.of("upload without to", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: config, upload: { from: files/app.env } }
                        """, "required", "/steps/0/upload", "to"),
                Arguments.of("upload mode not octal", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: config, upload: { from: files/app.env, to: /srv/.env, mode: "rw-r-----" } }
                        """, "pattern", "/steps/0/upload/mode", null),
                Arguments.of("missing runbook", """
                        version: 1
                        steps:
                          - { id: hello, run: echo hello }
                        """, "required", "", "runbook"),
                Arguments.of("missing steps", """
                        runbook: demo
                        version: 1
                        """, "required", "", "steps"),
                Arguments.of("version 2", """
                        runbook: demo
                        version: 2
                        steps:
                          - { id: hello, run: echo hello }
                        """, "const", "/version", null),
                Arguments.of("param name with a dash", """
                        runbook: demo
                        version: 1
                        params:
                          app-dir: { type: string }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "propertyNames", "/params", "app-dir"),
                Arguments.of("unknown param key", """
                        runbook: demo
                        version: 1
                        params:
                          app_dir: { type: string, mandatory: true }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "additionalProperties", "/params/app_dir", "mandatory"),
                Arguments.of("fact with two kinds", """
                        runbook: demo
                        version: 1
                        facts:
                          both: { shell: uptime, file: { path: /etc/hostname } }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "oneOf", "/facts/both", null),
                Arguments.of("sql returns table", """
                        runbook: demo
                        version: 1
                        facts:
                          n: { sql: { url: "jdbc:postgresql://db/app", query: select 1, returns: table } }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "enum", "/facts/n/sql/returns", null),
                Arguments.of("parse on an http fact", """
                        runbook: demo
                        version: 1
                        facts:
                          health: { http: { url: "http://app/health" }, parse: json }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "required", "/facts/health", null),
                Arguments.of("group step without id", """
                        runbook: demo
                        version: 1
                        steps:
                          - id: outer
                            group:
                              - { run: echo hello }
                        """, "required", "/steps/0/group/0", "id"),
                Arguments.of("message on a run step", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, run: echo hello, message: hi }
                        """, "required", "/steps/0", null),
                Arguments.of("with without include", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, run: echo hello, with: { a: b } }
                        """, "required", "/steps/0", "include"),
                Arguments.of("negative retries", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, run: echo hello, retries: -1 }
                        """, "minimum", "/steps/0/retries", null),
                Arguments.of("duration without a unit", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, run: echo hello, timeout: "30" }
                        """, "pattern", "/steps/0/timeout", null),
                Arguments.of("wait without until", """
                        runbook: demo
                        version: 1
                        steps:
                          - { id: settle, wait: { every: 5s, within: 1m } }
                        """, "required", "/steps/0/wait", "until"),
                Arguments.of("trigger without when", """
                        runbook: demo
                        version: 1
                        rollback_on:
                          - { name: errors }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "required", "/rollback_on/0", "when"),
                Arguments.of("check without that", """
                        runbook: demo
                        version: 1
                        success:
                          - { name: healthy }
                        steps:
                          - { id: hello, run: echo hello }
                        """, "required", "/success/0", "that"),
                Arguments.of("fragment keys in a runbook", """
                        fragment: rails-migrate
                        runbook: demo
                        version: 1
                        steps:
                          - { id: hello, run: echo hello }
                        """, "additionalProperties", "", "fragment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void inlineInvalidDocumentIsRejected(String name, String yaml, String keyword, String location,
            String property) {
        List<com.networknt.schema.Error> errors = validate(yaml);
        assertThat(errors).as("%s must be rejected", name).isNotEmpty();
        String all = String.join("\n", format(errors));
        assertThat(errors)
                .as("%s: expected a '%s' error at '%s'%s, got:%n%s", name, keyword, location,
                        property == null ? "" : " about '" + property + "'", all)
                .anySatisfy(error -> {
                    assertThat(error.getKeyword()).isEqualTo(keyword);
                    assertThat(error.getInstanceLocation().toString()).isEqualTo(location);
                    if (property != null) {
                        assertThat(String.valueOf(error.getProperty()) + " " + error.getMessage()).contains(property);
                    }
                });
        assertThat(errors)
                .as("%s: every error must be at or under '%s' (the defect), got:%n%s", name, location, all)
                .allSatisfy(error -> assertThat(error.getInstanceLocation().toString()).startsWith(location));
    }

    @Test
    void fragmentSchemaRejectsRunbookKeys() {
        List<com.networknt.schema.Error> errors = fragmentSchema.validate(YAML.readTree("""
                fragment: rails-migrate
                version: 1
                steps:
                  - { id: migrate, run: bin/rails db:migrate }
                """));
        assertThat(format(errors)).singleElement().asString().contains("version");
    }

    // ---------------------------------------------------------------- helpers

    /** A document with a top-level {@code fragment} key is a fragment file; anything else is a runbook. */
    static List<com.networknt.schema.Error> validate(String yaml) {
        JsonNode document = YAML.readTree(yaml);
        boolean fragment = document.isObject() && document.has("fragment") && !document.has("runbook");
        return (fragment ? fragmentSchema : runbookSchema).validate(document);
    }

    static void assertValid(String name, String yaml) {
        List<com.networknt.schema.Error> errors;
        try {
            errors = validate(yaml);
        } catch (RuntimeException e) {
            fail("%s does not parse as YAML: %s", name, e.getMessage());
            return;
        }
        assertThat(format(errors)).as("schema errors in %s", name).isEmpty();
    }

    static List<String> format(List<com.networknt.schema.Error> errors) {
        return errors.stream()
                .map(e -> "[" + e.getKeyword() + "] at '" + e.getInstanceLocation() + "': " + e.getMessage())
                .collect(Collectors.toList());
    }
}
