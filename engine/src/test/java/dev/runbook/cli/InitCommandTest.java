package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.exec.RunFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runbook init}: what it writes validates and plans, and it never overwrites a file. */
class InitCommandTest {

    @TempDir
    Path tmp;

    @Test
    void railsComposeWritesARunbookAndVarsThatValidateAndPlan() {
        Path dir = tmp.resolve("deploy");
        RunFixture.Result r = RunFixture.cli("init", dir.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        Path runbook = dir.resolve("runbook.yml");
        Path vars = dir.resolve("customers/example.yml");
        assertThat(runbook).exists();
        assertThat(vars).exists();
        assertThat(r.out()).contains("wrote " + runbook, "wrote " + vars, "runbook validate " + runbook,
                "runbook plan " + runbook + " --vars " + vars + " --offline");

        RunFixture.Result validate = RunFixture.cli("validate", runbook.toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isEqualTo(ExitCodes.OK);
        RunFixture.Result plan = RunFixture.cli("plan", runbook.toString(), "--vars", vars.toString(), "--offline");
        assertThat(plan.code()).as(plan.err()).isEqualTo(ExitCodes.OK);
        assertThat(plan.out()).contains("records the image of service web (app) on engine first",
                "db:rollback STEP=1", "--dbname=***");
        RunFixture.Result explain = RunFixture.cli("explain", runbook.toString(), "--vars", vars.toString());
        assertThat(explain.code()).as(explain.err()).isEqualTo(ExitCodes.OK);
        assertThat(explain.out()).contains("It works on the app host deploy@app1.example.com over SSH",
                "6. Migrate the database. On app, it runs Compose: run --rm web bin/rails db:migrate",
                "it undoes this by running Compose: run --rm web bin/rails db:rollback STEP=1");
    }

    @Test
    void minimalWritesOneRunbookThatValidates() {
        RunFixture.Result r = RunFixture.cli("init", "--template", "minimal", tmp.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(tmp.resolve("customers")).doesNotExist();
        RunFixture.Result validate = RunFixture.cli("validate", tmp.resolve("runbook.yml").toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void refusesToOverwriteAndWritesNothing() throws Exception {
        Files.createDirectories(tmp.resolve("customers"));
        Files.writeString(tmp.resolve("customers/example.yml"), "mine: true\n");
        RunFixture.Result r = RunFixture.cli("init", tmp.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("will not overwrite " + tmp.resolve("customers/example.yml"));
        assertThat(tmp.resolve("runbook.yml")).doesNotExist();
        assertThat(tmp.resolve("customers/example.yml")).hasContent("mine: true");
    }

    @Test
    void anUnknownTemplateIsAnInputError() {
        RunFixture.Result r = RunFixture.cli("init", "--template", "kubernetes", tmp.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("unknown template 'kubernetes': use rails-compose or minimal");
    }
}
