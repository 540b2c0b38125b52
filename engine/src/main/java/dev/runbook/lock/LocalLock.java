package dev.runbook.lock;

import dev.runbook.diag.RunbookException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A lock file created atomically ({@code O_EXCL}) that holds its owner. A lock whose owner is a process of this
 * machine that no longer lives is stale and taken over.
 */
public final class LocalLock implements RunLock {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private boolean held = true;

    private LocalLock(Path file) {
        this.file = file;
    }

    /**
     * Takes the lock in {@code file}, waiting up to {@code wait} while another live run holds it.
     *
     * @param what the locked thing, for messages ("runbook production-deploy on app1")
     */
    public static LocalLock acquire(Path file, String what, String runId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Holder me = new Holder(System.getProperty("user.name"), hostName(), ProcessHandle.current().pid(), runId,
                Instant.now().toString());
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new RunbookException("cannot create " + file.getParent() + ": " + e.getMessage());
        }
        while (true) {
            try {
                Files.writeString(file, JSON.writeValueAsString(me), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return new LocalLock(file);
            } catch (FileAlreadyExistsException e) {
                Holder other = read(file);
                if (other == null) {
                    Thread.sleep(50); // created an instant ago and being written: read it once more
                    other = read(file);
                }
                if (other != null && stale(other)) {
                    takeOver(file);
                    continue;
                }
                if (System.nanoTime() >= deadline) {
                    throw new LockHeldException(what, other != null ? other
                            : new Holder("?", "?", -1, "?", "unknown (lock file " + file + ")"));
                }
                Thread.sleep(200);
            } catch (IOException e) {
                throw new RunbookException("cannot write the lock " + file + ": " + e.getMessage());
            }
        }
    }

    /** A lock held by a process of this machine that is gone. */
    private static boolean stale(Holder h) {
        return h.host().equals(hostName()) && h.pid() > 0 && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static void takeOver(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new RunbookException("cannot remove the stale lock " + file + ": " + e.getMessage());
        }
    }

    static Holder read(Path file) {
        try {
            Map<?, ?> m = JSON.readValue(Files.readString(file), Map.class);
            return new Holder(String.valueOf(m.get("user")), String.valueOf(m.get("host")),
                    ((Number) m.get("pid")).longValue(), String.valueOf(m.get("runId")), String.valueOf(m.get("since")));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // being written right now, or damaged: treated as held until the wait ends
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (held) {
            held = false;
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a lock left behind is stale once this process ends, and is taken over then
            }
        }
    }
}
