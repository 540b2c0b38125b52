package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import java.util.List;

/** Where steps run. The target named {@code local} always exists. */
public sealed interface Target {

    /** The name of the target that always exists. */
    String LOCAL = "local";

    String name();

    String description();

    SourceLocation at();

    /** The word used in plans: {@code local}, {@code ssh}, {@code docker}. */
    String kind();

    /** The local machine. */
    record Local(String name, String description, SourceLocation at) implements Target {
        public String kind() {
            return "local";
        }
    }

    /**
     * One SSH host or a fleet of them.
     *
     * @param hosts    {@code user@host:port} templates, or {@code @GROUP} for the hosts of an inventory group
     * @param serial   batch size, a count or a percentage, or null for all at once
     * @param maxFail  failures tolerated, a count or a percentage, or null for none
     * @param forks    hosts worked on in parallel, or null for the default
     * @param login    how to connect and authenticate
     */
    record Ssh(String name, List<Text> hosts, String serial, String maxFail, Integer forks, SshLogin login,
               String description, SourceLocation at) implements Target {
        public String kind() {
            return "ssh";
        }

        /** Whether the target can be more than one host (a list, or an inventory group). */
        public boolean fleet() {
            return hosts.size() > 1 || hosts.stream().anyMatch(h -> h.source().strip().startsWith("@"));
        }
    }

    /**
     * How an SSH target is reached; every field may be null (then {@code ~/.ssh/config} and the defaults apply).
     *
     * @param knownHosts     the known_hosts file to check host keys against (default {@code ~/.ssh/known_hosts})
     * @param identity       a private key file
     * @param passphrase     the key's passphrase (a secret param)
     * @param password       a password: password authentication is used only when this is set
     * @param jump           a bastion, {@code user@host:port}, connected through first
     * @param connectTimeout the limit to connect and log in
     */
    record SshLogin(Text knownHosts, Text identity, Text passphrase, Text password, Text jump,
                    DurationSpec connectTimeout) {
        public static final SshLogin DEFAULTS = new SshLogin(null, null, null, null, null, null);
    }

    /**
     * A Docker engine reached at a URL ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}), or at a socket
     * on the host of an SSH target, through that target's SSH connection.
     *
     * @param url   null for {@code DOCKER_HOST}, else the local socket (with {@code via}: the host's
     *              {@code /var/run/docker.sock})
     * @param certs a directory with {@code ca.pem}, {@code cert.pem} and {@code key.pem} for TLS, or null
     * @param via   the SSH target (of one host) whose socket {@code url} is, or null for an engine reached directly
     */
    record Docker(String name, Text url, Text certs, String via, String description, SourceLocation at)
            implements Target {
        public String kind() {
            return "docker";
        }
    }
}
