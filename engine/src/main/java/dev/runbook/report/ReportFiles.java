package dev.runbook.report;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The report files asked for after a run, each written from the run's journal.
 *
 * @param markdown the Markdown report, or null
 * @param junit    the JUnit XML report, or null
 * @param json     the JSON report, or null
 */
public record ReportFiles(Path markdown, Path junit, Path json) {

    /** Whether any report was asked for. */
    public boolean any() {
        return markdown != null || junit != null || json != null;
    }

    /**
     * Writes every report asked for, each whole or not at all (a reader never sees half a file).
     *
     * @return what could not be written, one line each; empty when everything was
     */
    public List<String> write(Path journal) {
        List<String> errors = new ArrayList<>();
        RunReport report;
        try {
            report = RunReport.of(journal);
        } catch (RuntimeException e) {
            errors.add("cannot write the reports: the journal " + journal + " cannot be read: " + e.getMessage());
            return errors;
        }
        write(markdown, report, MarkdownReport::render, errors);
        write(junit, report, JunitReport::render, errors);
        write(json, report, JsonReport::render, errors);
        return errors;
    }

    private static void write(Path file, RunReport report, Function<RunReport, String> render, List<String> errors) {
        if (file == null) {
            return;
        }
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            errors.add("cannot write the report " + file + ": it is a directory");
            return;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, render.apply(report), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            errors.add("cannot write the report " + file + ": " + describe(e));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT) + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
