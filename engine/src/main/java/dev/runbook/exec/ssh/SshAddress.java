package dev.runbook.exec.ssh;

import dev.runbook.diag.RunbookException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where to connect, as an operator writes it: {@code host}, {@code user@host}, {@code user@host:port},
 * {@code [::1]:2222}. What is left out comes from {@code ~/.ssh/config} or the defaults.
 *
 * @param user null when not given
 * @param host a name or an address, IPv6 without brackets
 * @param port null when not given
 */
public record SshAddress(String user, String host, Integer port) {

    private static final Pattern FORM = Pattern.compile(
            "(?:([^@\\s:\\[\\]/]+)@)?(?:\\[([0-9A-Fa-f:.%a-zA-Z]+)]|([A-Za-z0-9_.-]+)|([0-9A-Fa-f]*:[0-9A-Fa-f:.]*))(?::([0-9]{1,5}))?");

    public SshAddress {
        if (host == null || host.isEmpty()) {
            throw new RunbookException("an SSH address needs a host");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new RunbookException("SSH port " + port + " of " + host + " is not between 1 and 65535");
        }
    }

    /** Reads {@code text}; a mistake is a {@link RunbookException} that quotes it. */
    public static SshAddress parse(String text) {
        if (text == null) {
            throw new RunbookException("an SSH address is missing: write host, user@host or user@host:port");
        }
        String s = text.strip();
        Matcher m = FORM.matcher(s);
        if (!m.matches()) {
            throw new RunbookException("'" + text + "' is not an SSH address: write host, user@host, user@host:port"
                    + " or user@[::1]:port");
        }
        String host = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
        if (host.startsWith("-") || host.startsWith(".") && host.length() == 1) {
            throw new RunbookException("'" + text + "' is not an SSH address: host '" + host + "' is not a host name");
        }
        Integer port = m.group(5) == null ? null : Integer.valueOf(m.group(5));
        if (port != null && (port < 1 || port > 65535)) {
            throw new RunbookException("'" + text + "' is not an SSH address: port " + port + " is not between 1 and 65535");
        }
        return new SshAddress(m.group(1), host, port);
    }

    /** {@code host:port} as messages and known_hosts write it, IPv6 in brackets. */
    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The address as written: only the parts that were given. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 && port != null ? "[" + host + "]" : host;
        return (user == null ? "" : user + "@") + h + (port == null ? "" : ":" + port);
    }
}
