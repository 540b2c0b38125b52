package dev.runbook.expr;

import java.nio.file.Path;
import java.util.HashMap;

/**
 * The roots of expressions ({@code params}, {@code steps}, {@code run}, ...) in a run or a plan of a runbook file:
 * they also carry the runbook's directory, which expressions cannot read by name, against which
 * {@code changelog()} reads its relative paths.
 */
public final class Roots extends HashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    private final transient Path dir;

    /** @param dir the runbook's directory */
    public Roots(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The runbook's directory. */
    public Path dir() {
        return dir;
    }
}
