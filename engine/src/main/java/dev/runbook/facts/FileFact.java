package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file on this machine: {@code exists}, {@code size} (bytes), {@code mtime} (epoch ms), {@code text} (its first
 * MiB as UTF-8, trailing line ends removed; null for a directory) and, with {@code parse: MODE} other than text, the
 * content parsed under the mode's name: {@code json}, {@code kv}, {@code lines} or {@code number}. A file that does
 * not exist is a value ({@code exists: false}, size 0, mtime 0, text and json null), not a failure.
 */
final class FileFact {

    /** The most of a file a fact reads. */
    static final int LIMIT = 1024 * 1024;

    private FileFact() {
    }

    static Map<String, Object> collect(String path, String parse, boolean secret) {
        Path p = Path.of(path);
        Map<String, Object> out = new LinkedHashMap<>();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            a = null;
        } catch (IOException e) {
            throw new RunbookException("cannot read " + path + ": " + e.getMessage());
        }
        out.put("exists", a != null);
        out.put("size", a == null ? 0L : a.size());
        out.put("mtime", a == null ? 0L : a.lastModifiedTime().toMillis());
        String text = a != null && !a.isDirectory() ? read(p) : null;
        out.put("text", text == null ? null : Parse.chomp(text));
        if (parse != null && !parse.equals("text")) {
            out.put(parse, text == null ? null : Parse.value(text, parse, secret));
        }
        return out;
    }

    /**
     * As {@link #collect}, for a file on the host {@code on} reaches: one command prints whether it exists, its
     * size, its mtime (to the second) and its first MiB.
     */
    static Map<String, Object> collectOn(dev.runbook.exec.Executor on, String path, String parse, boolean secret,
                                         java.time.Duration timeout, dev.runbook.secret.Masker masker) {
        String q = dev.runbook.expr.ShellQuote.quote(path);
        String command = "if [ -e " + q + " ]; then if [ -d " + q + " ]; then d=dir; else d=file; fi; "
                + "echo \"$d $(stat -c '%s %Y' " + q + ")\"; [ $d = dir ] || head -c " + LIMIT + " " + q
                + "; else echo missing; fi";
        java.util.List<String> lines = new java.util.ArrayList<>();
        ShellFact.lines(on, command, "reading " + path + " on " + on.host(), timeout, masker, lines::add);
        String[] head = lines.isEmpty() ? new String[] {"missing"} : lines.get(0).trim().split(" ");
        Map<String, Object> out = new LinkedHashMap<>();
        boolean exists = !head[0].equals("missing");
        out.put("exists", exists);
        out.put("size", exists && head.length > 1 ? Long.parseLong(head[1]) : 0L);
        out.put("mtime", exists && head.length > 2 ? Long.parseLong(head[2]) * 1000 : 0L);
        String text = exists && head[0].equals("file") ? String.join("\n", lines.subList(1, lines.size())) : null;
        out.put("text", text == null ? null : Parse.chomp(text));
        if (parse != null && !parse.equals("text")) {
            out.put(parse, text == null ? null : Parse.value(text, parse, secret));
        }
        return out;
    }

    private static String read(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes(LIMIT);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw new RunbookException("cannot read " + p + ": " + e.getMessage());
        }
    }
}
