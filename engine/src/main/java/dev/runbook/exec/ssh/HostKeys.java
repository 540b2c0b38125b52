package dev.runbook.exec.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The known_hosts check of one connection: delegates to JSch's own reader of the file (hashed entries included),
 * records an unknown key when told to, and remembers what it saw so a refusal can say what to do.
 */
final class HostKeys implements HostKeyRepository {

    /** Appends to known_hosts are serialized within this process; OpenSSH itself appends without a lock too. */
    private static final Object APPEND = new Object();

    private final HostKeyRepository known;
    private final Path file;
    private final boolean acceptNew;
    private volatile String offeredType;
    private volatile byte[] offered;
    private volatile List<String> recorded = List.of();
    private volatile boolean added;

    HostKeys(HostKeyRepository known, Path file, boolean acceptNew) {
        this.known = known;
        this.file = file;
        this.acceptNew = acceptNew;
    }

    @Override
    public int check(String host, byte[] key) {
        offered = key.clone();
        offeredType = keyType(key);
        int result = known.check(host, key);
        if (result == CHANGED) {
            List<String> old = new ArrayList<>();
            HostKey[] same = known.getHostKey(host, offeredType);
            if (same != null) {
                for (HostKey k : same) {
                    old.add(fingerprint(Base64.getDecoder().decode(k.getKey())));
                }
            }
            recorded = old;
        } else if (result == NOT_INCLUDED && acceptNew) {
            append(host, key);
            added = true;
            return OK;
        }
        return result;
    }

    private void append(String host, byte[] key) {
        String line = host + " " + offeredType + " " + Base64.getEncoder().encodeToString(key) + "\n";
        synchronized (APPEND) {
            try {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                }
                boolean needsNewline = Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file);
                Files.writeString(file, (needsNewline ? "\n" : "") + line, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new SshException("cannot record the host key of " + host + " in " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean endsWithNewline(Path f) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.READ)) {
            var b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, ch.size() - 1);
            return b.get(0) == '\n';
        }
    }

    /** The key the server offered, as {@code ECDSA SHA256:...}; null before the server sent one. */
    String offered() {
        byte[] k = offered;
        return k == null ? null : label(offeredType) + " " + fingerprint(k);
    }

    /** Fingerprints of the keys known_hosts holds for the host, when the offered one did not match them. */
    List<String> recorded() {
        return recorded;
    }

    /** The offered key was unknown and has been written to the file. */
    boolean added() {
        return added;
    }

    /** OpenSSH's fingerprint of a key blob, as {@code ssh-keygen -lf} prints it. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The algorithm name a key blob starts with, as {@code ssh-ed25519}. */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int n = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        return n <= 0 || n > blob.length - 4 ? "unknown" : new String(blob, 4, n, StandardCharsets.US_ASCII);
    }

    /** The short kind {@code ssh-keygen -l} shows in parentheses. */
    static String label(String type) {
        if (type.startsWith("ecdsa-")) {
            return "ECDSA";
        }
        return switch (type) {
            case "ssh-ed25519" -> "ED25519";
            case "ssh-ed448" -> "ED448";
            case "ssh-rsa" -> "RSA";
            case "ssh-dss" -> "DSA";
            default -> type;
        };
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        known.add(hostkey, ui);
    }

    @Override
    public void remove(String host, String type) {
        known.remove(host, type);
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        known.remove(host, type, key);
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return known.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }
}
