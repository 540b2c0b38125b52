package dev.runbook.exec.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test keys made by ssh-keygen, and the test options around them. */
final class Keys {

    private Keys() {
    }

    /** A new unencrypted ECDSA key pair: returns the private key file, its public key beside it as FILE.pub. */
    static Path ecdsa(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", name, "-f",
                key.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
        return key;
    }

    static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /** Options that read nothing of the user's own ~/.ssh: this key only, a known_hosts and config in {@code dir}. */
    static SshOptions options(Path dir, Path key, boolean acceptNew) throws IOException {
        Path config = dir.resolve("ssh_config");
        if (!Files.exists(config)) {
            Files.writeString(config, "Host *\n  IdentitiesOnly yes\n");
        }
        return SshOptions.defaults().withKnownHosts(dir.resolve("known_hosts"), acceptNew).withSshConfig(config)
                .withIdentities(key == null ? List.of() : List.of(key), null);
    }

    /** Runs a local program and returns its stdout. */
    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
