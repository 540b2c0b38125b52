package dev.runbook.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.exec.Executor;
import dev.runbook.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteLockTest {

    @TempDir
    Path dir;

    @Test
    void locksThroughTheLocalExecutor() throws Exception {
        exercise(new LocalExecutor(), dir.resolve("deploy.lock"));
    }

    @Test
    void locksThroughSsh() throws Exception {
        Path key = Keys.ecdsa(dir, "client");
        try (TestSshd sshd = new TestSshd(dir, List.of(Keys.pub(key)), null, false);
             SshSessions s = new SshSessions(Keys.options(dir, key, true))) {
            exercise(s.executor("deploy@127.0.0.1:" + sshd.port()), dir.resolve("deploy.lock"));
        }
    }

    private void exercise(Executor on, Path lock) throws Exception {
        String d = lock.toString();
        RemoteLock first = RemoteLock.acquire(on, d, "alice@laptop pid 1 run r1", Duration.ofHours(1), true);
        assertThat(Files.readString(lock.resolve("owner"))).startsWith("owner=alice@laptop pid 1 run r1\nsince=");
        assertThatThrownBy(() -> RemoteLock.acquire(on, d, "bob@ci pid 2 run r2", Duration.ofHours(1), true))
                .isInstanceOf(RemoteLockHeldException.class)
                .hasMessageContaining("locked by alice@laptop pid 1 run r1")
                .hasMessageContaining(d)
                .satisfies(e -> assertThat(((RemoteLockHeldException) e).age()).isLessThan(Duration.ofMinutes(1)));
        assertThat(first.release()).isTrue();
        assertThat(Files.exists(lock)).isFalse();

        RemoteLock bob = RemoteLock.acquire(on, d, "bob@ci pid 2 run r2", Duration.ofHours(1), true);
        long longAgo = System.currentTimeMillis() / 1000 - 7200;
        Files.writeString(lock.resolve("owner"), "owner=bob@ci pid 2 run r2\nsince=" + longAgo + "\n");
        assertThatThrownBy(() -> RemoteLock.acquire(on, d, "carol@ci pid 3 run r3", Duration.ofHours(1), false))
                .isInstanceOf(RemoteLockHeldException.class).hasMessageContaining("bob@ci");
        RemoteLock carol = RemoteLock.acquire(on, d, "carol@ci pid 3 run r3", Duration.ofHours(1), true);
        assertThat(carol.tookOverFrom()).isEqualTo("bob@ci pid 2 run r2");
        assertThat(bob.release()).isFalse();
        assertThat(Files.readString(lock.resolve("owner"))).contains("carol@ci");
        assertThat(carol.release()).isTrue();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("deploy.lock"));
        }
    }
}
