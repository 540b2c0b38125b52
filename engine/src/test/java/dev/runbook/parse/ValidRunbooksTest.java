package dev.runbook.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.runbook.Runbooks;
import dev.runbook.model.Runbook;
import dev.runbook.model.Step;
import dev.runbook.plan.Plan;
import dev.runbook.vars.ParamBinder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The valid runbooks of {@code src/test/resources/runbooks/valid}: each loads with no problem, validates through
 * the CLI and plans offline. Required params are bound from the fixture's {@code # set: NAME=VALUE} lines.
 */
class ValidRunbooksTest {

    static Stream<Path> fixtures() {
        return Fixtures.yamlFiles(Fixtures.VALID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void loadsWithoutProblemsAndPlans(Path fixture) {
        Runbooks.Loaded loaded = Runbooks.load(fixture);
        assertThat(loaded.problems()).as("problems of %s", fixture).isEmpty();
        Runbook runbook = loaded.runbook();
        assertThat(runbook).isNotNull();

        Map<String, String> sets = new LinkedHashMap<>();
        Fixtures.header(fixture).sets().forEach(s -> sets.put(s[0], s[1]));
        ParamBinder.Inputs inputs = sets.isEmpty() ? ParamBinder.Inputs.none()
                : new ParamBinder.Inputs(List.of(), sets, Map.of());
        assertThatCode(() -> {
            Plan plan = Runbooks.plan(runbook, inputs, true);
            assertThat(plan).isNotNull();
        }).as("plan of %s", fixture).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void validateSaysOk(Path fixture) {
        Fixtures.Cli run = Fixtures.cli("validate", fixture.toString());
        assertThat(run.exit()).as("exit code; stderr:%n%s", run.err()).isZero();
        assertThat(run.err()).isBlank();
    }

    /** Together the valid runbooks use every step kind, fact kind and param type. */
    @Test
    void theValidRunbooksCoverTheLanguage() {
        Set<String> stepKinds = new TreeSet<>();
        Set<String> factKinds = new TreeSet<>();
        Set<String> paramTypes = new TreeSet<>();
        boolean[] rollbackReadsPrevious = {false};
        fixtures().map(Runbooks::load).map(Runbooks.Loaded::runbook).filter(r -> r != null).forEach(r -> {
            collect(r.steps(), stepKinds, rollbackReadsPrevious);
            r.facts().values().forEach(f -> factKinds.add(f.source().getClass().getSimpleName().toLowerCase()));
            r.params().values().forEach(p -> paramTypes.add(p.type().keyword()));
        });
        assertThat(stepKinds).containsAll(Keys.STEP_KINDS);
        assertThat(factKinds).containsExactlyInAnyOrder("http", "shell", "sql", "redis", "websocket", "logs", "file",
                "docker");
        assertThat(paramTypes).containsExactlyInAnyOrder("string", "integer", "number", "boolean", "duration", "list",
                "map", "command");
        assertThat(rollbackReadsPrevious[0]).as("a rollback step reads previous.failed").isTrue();
    }

    private static void collect(List<Step> steps, Set<String> kinds, boolean[] previous) {
        for (Step s : steps) {
            kinds.add(s.kind());
            for (Step r : s.common().rollback()) {
                if (r.common().when() != null && r.common().when().source().contains("previous.failed")) {
                    previous[0] = true;
                }
            }
            if (s instanceof Step.Group g) {
                collect(g.steps(), kinds, previous);
            } else if (s instanceof Step.Include i) {
                collect(i.fragment().steps(), kinds, previous);
            }
        }
    }
}
