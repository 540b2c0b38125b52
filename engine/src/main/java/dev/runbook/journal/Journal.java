package dev.runbook.journal;

import dev.runbook.diag.RunbookException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's append-only journal: one JSON object per line, each written and forced to disk before the run
 * goes on, so that after a crash the journal holds every event that happened (the last line may be torn;
 * {@link JournalReader} drops it).
 */
public final class Journal implements EventSink, AutoCloseable {

    /** The journal's file name inside a run's directory. */
    public static final String FILE = "journal.jsonl";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final FileChannel channel;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating) the journal in {@code runDir} for appending. */
    public static Journal open(Path runDir) {
        Path file = runDir.resolve(FILE);
        try {
            Files.createDirectories(runDir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            Journal j = new Journal(file, ch);
            j.endTornLine();
            return j;
        } catch (IOException e) {
            throw new RunbookException("cannot open the journal " + file + ": " + e.getMessage());
        }
    }

    /** After a crash mid-write the file may end without a newline: start the next event on a line of its own. */
    private void endTornLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
            r.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    public Path file() {
        return file;
    }

    /** Records the event; output lines are not journaled one by one (a step's output is in its {@code step.finished}). */
    @Override
    public synchronized void accept(Event event) {
        if (event.type().equals(EventType.STEP_OUTPUT)) {
            return;
        }
        byte[] line = (JSON.writeValueAsString(event.toMap()) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new RunbookException("cannot write the journal " + file + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing is lost: every event was forced to disk when written
        }
    }
}
