package dev.runbook.exec;

import dev.runbook.diag.InputException;
import dev.runbook.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * The state directory of runs ({@code .runbook/} next to the runbook by default): a directory per run holding
 * its journal, and the lock files.
 */
public final class RunStore {

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    public RunStore(Path dir) {
        this.dir = dir;
    }

    /** The default state directory of a runbook file: {@code .runbook} beside it. */
    public static Path defaultDir(Path runbook) {
        Path parent = runbook.toAbsolutePath().getParent();
        return (parent == null ? Path.of(".") : parent).resolve(".runbook");
    }

    public Path dir() {
        return dir;
    }

    /** A new run id: the UTC time to the millisecond and four random hex digits: {@code 20261127-184512-031-a1b2}. */
    public static String newRunId() {
        return LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    public Path runDir(String runId) {
        return dir.resolve("runs").resolve(runId);
    }

    public Path lockFile(String key) {
        return dir.resolve("locks").resolve(key + ".lock");
    }

    /** The journal of an existing run, or a clear error naming where runs are. */
    public Path journal(String runId) {
        if (!runId.matches("[0-9A-Za-z._-]+")) {
            throw new InputException("'" + runId + "' is not a run id (see 'runbook runs')");
        }
        Path j = runDir(runId).resolve(Journal.FILE);
        if (!Files.isRegularFile(j)) {
            throw new InputException("no run " + runId + " in " + dir + " (see 'runbook runs'; --state-dir names another"
                    + " state directory)");
        }
        return j;
    }

    /** Every run's id, oldest first (ids sort by their start time to the millisecond). */
    public List<String> runIds() {
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(Journal.FILE))).map(p -> p.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + runs + ": " + e.getMessage());
        }
    }
}
