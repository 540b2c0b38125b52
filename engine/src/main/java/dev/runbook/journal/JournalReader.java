package dev.runbook.journal;

import dev.runbook.diag.RunbookException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a journal back. A line that does not parse is tolerated only at the end of the file (a write cut short
 * by a crash) or where a later line follows it after a restart; it is dropped and counted.
 */
public final class JournalReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The events of a journal, and how many torn lines were dropped. */
    public record Contents(List<Event> events, int tornLines) {
    }

    private JournalReader() {
    }

    public static Contents read(Path file) {
        List<String> lines;
        try {
            // decoded leniently: a line torn inside a multi-byte character must not make the journal unreadable
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (NoSuchFileException e) {
            throw new RunbookException("no journal at " + file);
        } catch (IOException e) {
            throw new RunbookException("cannot read the journal " + file + ": " + e.getMessage());
        }
        List<Event> events = new ArrayList<>();
        int torn = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(Event.fromMap(JSON.readValue(line, MAP)));
            } catch (RuntimeException e) { // JacksonException is one; a torn line fails either way
                torn++;
            }
        }
        return new Contents(events, torn);
    }
}
