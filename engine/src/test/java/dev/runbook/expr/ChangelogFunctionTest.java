package dev.runbook.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.diag.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code changelog(path, version)}: a Keep-a-Changelog section, read only in the runbook's directory. */
class ChangelogFunctionTest {

    @TempDir
    Path tmp;

    Object eval(Path dir, String expression) {
        Roots roots = new Roots(dir);
        return Expressions.compile(expression, SourceLocation.of(dir.resolve("r.yml"))).evaluate(roots);
    }

    Path project() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(dir.resolve("CHANGELOG.md"), """
                # Changelog

                ## [Unreleased]

                ## [2.4.0] - 2024-06-11
                ### Added
                - Blue/green switch.

                ## 2.3.1 - 2024-05-02
                - Fixed rotation.
                """);
        return dir;
    }

    @Test
    void readsTheSectionOfAVersionUpToTheNextHeading() throws Exception {
        Path dir = project();
        assertThat(eval(dir, "changelog('CHANGELOG.md', '2.4.0')")).isEqualTo("### Added\n- Blue/green switch.");
        assertThat(eval(dir, "changelog('CHANGELOG.md', 'v2.3.1')")).isEqualTo("- Fixed rotation.");
        assertThat(eval(dir, "changelog('" + dir.resolve("CHANGELOG.md") + "', '2.4.0')"))
                .isEqualTo("### Added\n- Blue/green switch.");
    }

    @Test
    void aMissingVersionOrFileIsAnError() throws Exception {
        Path dir = project();
        assertThatThrownBy(() -> eval(dir, "changelog('CHANGELOG.md', '9.9.9')"))
                .hasMessageContaining("has no section for version 9.9.9");
        assertThatThrownBy(() -> eval(dir, "changelog('NOPE.md', '2.4.0')")).hasMessageContaining("does not exist");
    }

    @Test
    void aRelativePathStaysInTheRunbooksDirectory() throws Exception {
        Path dir = project();
        Files.writeString(tmp.resolve("outside.md"), "## [1.0.0]\nsecret\n");
        assertThatThrownBy(() -> eval(dir, "changelog('../outside.md', '1.0.0')"))
                .hasMessageContaining("reads files in the runbook's directory only");
        Files.createSymbolicLink(dir.resolve("link.md"), tmp.resolve("outside.md"));
        assertThatThrownBy(() -> eval(dir, "changelog('link.md', '1.0.0')"))
                .hasMessageContaining("through a symbolic link");
        assertThatThrownBy(() -> Expressions.compile("changelog('CHANGELOG.md', '2.4.0')",
                SourceLocation.of(dir.resolve("r.yml"))).evaluate(new java.util.HashMap<>()))
                .hasMessageContaining("give an absolute path");
    }
}
