package dev.runbook.parse;

import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a YAML file into a node tree with source marks, refusing what could hang or exhaust the engine:
 * huge files, binary content, alias explosions and deep nesting each become one clear problem.
 */
public final class YamlLoader {

    /** The largest file read, in bytes. */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    /** The most aliases of collections a file may use. */
    public static final int MAX_ALIASES = 50;

    private YamlLoader() {
    }

    /** A YAML document: its root node and the text it was read from. */
    public record Document(Node root, String text) {
    }

    /** The document, or empty with a problem recorded. */
    public static Optional<Document> load(Path file, Problems problems) {
        SourceLocation whole = SourceLocation.of(file);
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                problems.add(whole, "", "the file is " + size + " bytes; the limit is " + MAX_BYTES + " bytes");
                return Optional.empty();
            }
            text = decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            problems.add(whole, "", "no such file");
            return Optional.empty();
        } catch (CharacterCodingException e) {
            problems.add(whole, "", "the file is not UTF-8 text (is it binary?)");
            return Optional.empty();
        } catch (IOException e) {
            problems.add(whole, "", "cannot read the file: " + e.getMessage());
            return Optional.empty();
        }
        String read = text;
        return compose(file, text, problems).map(root -> new Document(root, read));
    }

    /** Composes YAML text that was read already; {@code file} names it in problems. */
    public static Optional<Node> compose(Path file, String text, Problems problems) {
        if (text.indexOf('\0') >= 0) {
            problems.add(SourceLocation.of(file), "", "the file holds NUL bytes: it is binary, not YAML");
            return Optional.empty();
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(String.valueOf(file))
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setAllowRecursiveKeys(false)
                .setAllowNonScalarKeys(true)
                .setCodePointLimit(MAX_BYTES)
                .setUseMarks(true)
                .build();
        try {
            Optional<Node> root = new Compose(settings).composeString(text);
            if (root.isEmpty()) {
                problems.add(new SourceLocation(file, 1, 1), "", "the file is empty: nothing to read");
            }
            return root;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            // at the end of the file, the place where the unfinished thing (a quote, a flow list) began is the help
            if (e.getContextMark().isPresent() && String.valueOf(e.getProblem()).contains("end of stream")) {
                mark = e.getContextMark().get();
            }
            SourceLocation at = mark == null ? SourceLocation.of(file)
                    : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
            problems.add(at, "", "YAML syntax: " + oneLine(e.getProblem()) + context(e));
        } catch (YamlEngineException e) {
            problems.add(SourceLocation.of(file), "", "YAML: " + oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            problems.add(SourceLocation.of(file), "", "the YAML is nested too deeply to read");
        }
        return Optional.empty();
    }

    private static String context(MarkedYamlEngineException e) {
        String c = e.getContext();
        return c == null || c.isBlank() ? "" : " (" + oneLine(c) + ")";
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        return s.replaceAll("\\s+", " ").trim();
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
