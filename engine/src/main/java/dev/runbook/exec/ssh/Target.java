package dev.runbook.exec.ssh;

import java.nio.file.Path;
import java.util.List;

/**
 * An address resolved against {@code ~/.ssh/config} and the defaults: what a connection is opened to and cached by.
 *
 * @param user    the login user
 * @param host    the host name or address to connect to (HostName of the config when it has one)
 * @param port    the port
 * @param written the address as the runbook wrote it, for messages
 * @param keys    the key files to try, in order
 * @param jump    the bastion to go through, or null
 * @param identitiesOnly the config says {@code IdentitiesOnly yes}: only the named key files, no agent
 */
record Target(String user, String host, int port, SshAddress written, List<Path> keys, SshAddress jump,
              boolean identitiesOnly) {

    /** What connections are cached by: the same user, host and port share one. */
    String key() {
        return user + "@" + SshAddress.hostPort(host, port) + (jump == null ? "" : " via " + jump);
    }

    /** The name known_hosts knows the host by: {@code host}, or {@code [host]:port} off port 22. */
    String knownHostsName() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** {@code deploy@web1 (10.0.0.5:22)}: the address as written, with the user, then where it leads. */
    String describe() {
        String name = user + "@" + (written.port() == null ? written.host() : written.toString().replaceFirst("^[^@]*@", ""));
        return name + " (" + SshAddress.hostPort(host, port) + (jump == null ? "" : " via " + jump) + ")";
    }
}
