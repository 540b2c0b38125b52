package dev.runbook.expr.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reads the section of one version in a Keep-a-Changelog file: from its heading ({@code ## [2.4.0] - 2024-06-11},
 * {@code ## 2.4.0}, {@code ## [v2.4.0]}) up to the next {@code ## } heading, without the heading itself.
 * <p>
 * Read-only and confined: a relative path is read in the runbook's directory and must stay in it (no {@code ..}
 * out of it, no symbolic link leading out of it); an absolute path is read as the runbook names it. Only regular
 * files of at most {@link #MAX_BYTES} are read.
 */
final class Changelog {

    /** The largest changelog read. */
    static final long MAX_BYTES = 1024 * 1024;

    private static final Pattern HEADING = Pattern.compile("^##(?!#)\\s*(.*)$");

    private Changelog() {
    }

    /**
     * The section's text, trimmed.
     *
     * @param dir the runbook's directory, or null when unknown (then only absolute paths are read)
     */
    static String section(Path dir, String path, String version) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("changelog() needs the path of a changelog file");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("changelog() needs a version");
        }
        String text = read(file(dir, path), path);
        String wanted = bare(version);
        StringBuilder out = null;
        for (String line : text.split("\r?\n", -1)) {
            var m = HEADING.matcher(line);
            if (m.matches()) {
                if (out != null) {
                    break;
                }
                if (headingVersion(m.group(1)).equals(wanted)) {
                    out = new StringBuilder();
                }
                continue;
            }
            if (out != null) {
                out.append(line).append('\n');
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("the changelog " + path + " has no section for version " + version);
        }
        return out.toString().strip();
    }

    /** The version a heading names: {@code [2.4.0] - 2024-06-11} gives {@code 2.4.0}. */
    private static String headingVersion(String heading) {
        String h = heading.trim();
        int end = h.startsWith("[") ? h.indexOf(']') : -1;
        String v = end > 0 ? h.substring(1, end) : h.split("[\\s]+", 2)[0];
        return bare(v);
    }

    private static String bare(String version) {
        String v = version.trim();
        return v.length() > 1 && (v.charAt(0) == 'v' || v.charAt(0) == 'V') && Character.isDigit(v.charAt(1))
                ? v.substring(1) : v;
    }

    private static Path file(Path dir, String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p;
        }
        if (dir == null) {
            throw new IllegalArgumentException("changelog() reads a relative path in the runbook's directory, which"
                    + " is not known here: give an absolute path");
        }
        Path resolved = dir.resolve(p).normalize();
        if (!resolved.startsWith(dir)) {
            throw new IllegalArgumentException("changelog() reads files in the runbook's directory only, and " + path
                    + " is outside it (give an absolute path to read a file elsewhere)");
        }
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(dir.toRealPath())) {
                throw new IllegalArgumentException("changelog() reads files in the runbook's directory only, and "
                        + path + " leads outside it through a symbolic link");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the changelog " + path + ": " + e.getMessage());
        }
        return resolved;
    }

    private static String read(Path file, String shown) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the changelog " + shown + " is not a file"
                        + (Files.exists(file) ? "" : " (it does not exist)"));
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("the changelog " + shown + " is larger than 1 MiB");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the changelog " + shown + ": " + e.getMessage());
        }
    }
}
