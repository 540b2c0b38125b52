package dev.runbook.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Supplier;

/** A report file written whole or not at all: a reader never sees half a file. */
public final class AtomicFile {

    private AtomicFile() {
    }

    /**
     * Writes the text {@code render} gives into {@code file} (through a temporary file moved into place).
     *
     * @return null when written, else one line saying why not
     */
    public static String write(Path file, Supplier<String> render) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            return "cannot write the report " + file + ": it is a directory";
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, render.get(), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot write the report " + file + ": " + describe(e);
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
            return f.getReason().toLowerCase(Locale.ROOT) + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
