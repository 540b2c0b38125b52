package dev.runbook.exec;

import static dev.runbook.exec.RunFixture.cli;
import static dev.runbook.exec.RunFixture.ofType;

import dev.runbook.testing.OpenSshHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What the end-to-end tests on real OpenSSH hosts share: the hosts ({@link OpenSshHosts}), a directory every host
 * can write (the remote commands' files), a state directory, runbook target blocks, and readers of what happened.
 */
abstract class OpenSshRunTest {

    @TempDir
    Path dir;
    OpenSshHosts ssh;
    Path remote;
    Path state;

    @BeforeEach
    void setUp() throws IOException {
        ssh = OpenSshHosts.require();
        remote = remoteDir();
        state = dir.resolve("state");
    }

    @AfterEach
    void tearDown() {
        deleteTree(remote);
    }

    /** A directory under /tmp that rbtest can write (a @TempDir is root's alone). */
    static Path remoteDir() throws IOException {
        Path d = Files.createTempDirectory(Path.of("/tmp"), "rb-e2e-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    static void deleteTree(Path d) {
        if (d == null || !Files.exists(d)) {
            return;
        }
        try (Stream<Path> files = Files.walk(d)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A target block: {@code name:} with its ssh hosts, the environment's known_hosts and key, and extra lines. */
    static String target(String name, List<String> hosts, Path knownHosts, Path identity, String... extra) {
        StringBuilder b = new StringBuilder("  " + name + ":\n    ssh: [ ");
        b.append(hosts.stream().map(h -> "\"" + h + "\"").collect(Collectors.joining(", "))).append(" ]\n");
        b.append("    known_hosts: ").append(knownHosts).append('\n');
        b.append("    identity: ").append(identity).append('\n');
        b.append("    connect_timeout: 5s\n");
        for (String e : extra) {
            b.append("    ").append(e).append('\n');
        }
        return b.toString();
    }

    /** {@code runbook exec FILE --state-dir STATE} and more arguments, in this JVM. */
    static RunFixture.Result exec(Path file, Path state, String... more) {
        List<String> args = new ArrayList<>(List.of("exec", file.toString(), "--state-dir", state.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    /** The lines of a file the remote commands wrote, or none when it does not exist. */
    static List<String> log(Path f) {
        return Files.exists(f) ? RunFixture.lines(f) : List.of();
    }

    /** The {@code step.host} events of a step. */
    static List<JsonNode> hostEvents(List<JsonNode> events, String step) {
        return ofType(events, "step.host").stream().filter(e -> e.path("step").asString().equals(step)).toList();
    }

    static JsonNode finished(List<JsonNode> events, String step) {
        return ofType(events, "step.finished").stream().filter(e -> e.path("step").asString().equals(step))
                .findFirst().orElseThrow(() -> new AssertionError("no step.finished of " + step + " in " + events));
    }

    static String why(RunFixture.Result r) {
        return "exit " + r.code() + ", console:\n" + r.console();
    }

    String fleet(String name, List<String> hosts, String... extra) {
        return target(name, hosts, ssh.knownHosts(), ssh.key(), extra);
    }

    List<String> hosts(int n) {
        return ssh.targets().subList(0, n);
    }
}
