package dev.runbook.exec.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.diag.RunbookException;
import org.junit.jupiter.api.Test;

class SshAddressTest {

    @Test
    void readsEveryForm() {
        assertThat(SshAddress.parse("deploy@web1:2222")).isEqualTo(new SshAddress("deploy", "web1", 2222));
        assertThat(SshAddress.parse("web1")).isEqualTo(new SshAddress(null, "web1", null));
        assertThat(SshAddress.parse("deploy@web1.example.com")).isEqualTo(new SshAddress("deploy", "web1.example.com", null));
        assertThat(SshAddress.parse("[::1]:2222")).isEqualTo(new SshAddress(null, "::1", 2222));
        assertThat(SshAddress.parse("ops@[fe80::1]")).isEqualTo(new SshAddress("ops", "fe80::1", null));
        assertThat(SshAddress.parse("::1")).isEqualTo(new SshAddress(null, "::1", null));
        assertThat(SshAddress.parse("10.0.0.5:22")).isEqualTo(new SshAddress(null, "10.0.0.5", 22));
    }

    @Test
    void writesBackWhatWasGiven() {
        assertThat(SshAddress.parse("deploy@web1:2222").toString()).isEqualTo("deploy@web1:2222");
        assertThat(SshAddress.parse("web1").toString()).isEqualTo("web1");
        assertThat(SshAddress.parse("[::1]:2222").toString()).isEqualTo("[::1]:2222");
    }

    @Test
    void refusesWhatIsNoAddressQuotingIt() {
        for (String bad : new String[] {"", "deploy@", "@web1", "web1:", "web1:99999", "web1:0", "de ploy@web1",
                "web1:ssh", "a@b@c", "[::1"}) {
            assertThatThrownBy(() -> SshAddress.parse(bad)).as(bad).isInstanceOf(RunbookException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
