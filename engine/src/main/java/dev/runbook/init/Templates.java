package dev.runbook.init;

import dev.runbook.diag.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The starting runbooks {@code runbook init} writes, bundled in the jar under {@code templates/NAME/}. Writing never
 * overwrites: if any file of the template already exists, nothing is written.
 */
public final class Templates {

    /** Each template's files, relative to its directory; the first is the runbook. */
    private static final Map<String, List<String>> FILES = Map.of(
            "rails-compose", List.of("runbook.yml", "customers/example.yml"),
            "minimal", List.of("runbook.yml"));

    /** The template names, the default first. */
    public static final List<String> NAMES = List.of("rails-compose", "minimal");

    /**
     * What a template wrote.
     *
     * @param runbook the runbook written
     * @param vars    the vars file written beside it, or null
     * @param files   every file written, in order
     */
    public record Written(Path runbook, Path vars, List<Path> files) {
    }

    private Templates() {
    }

    /**
     * Writes the files of {@code template} into {@code dir} (created if missing).
     *
     * @throws InputException if the template is unknown or any of its files exists (naming them); nothing is written
     */
    public static Written write(String template, Path dir) {
        List<String> names = FILES.get(template);
        if (names == null) {
            throw new InputException("unknown template '" + template + "': use " + String.join(" or ", NAMES));
        }
        List<Path> targets = names.stream().map(dir::resolve).toList();
        List<String> existing = targets.stream().filter(Files::exists).map(Path::toString).toList();
        if (!existing.isEmpty()) {
            throw new InputException("will not overwrite " + String.join(", ", existing)
                    + ": move it away or init into another directory");
        }
        List<Path> written = new ArrayList<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                Path target = targets.get(i);
                if (target.getParent() != null) {
                    Files.createDirectories(target.getParent());
                }
                Files.write(target, resource(template + "/" + names.get(i)), java.nio.file.StandardOpenOption.CREATE_NEW);
                written.add(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path vars = written.stream().filter(p -> p.toString().endsWith("example.yml")).findFirst().orElse(null);
        return new Written(written.get(0), vars, List.copyOf(written));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Templates.class.getResourceAsStream("/templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the template file " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }
}
