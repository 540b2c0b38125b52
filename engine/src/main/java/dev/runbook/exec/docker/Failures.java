package dev.runbook.exec.docker;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what docker-java throws into one-line {@link DockerException}s that name the engine and say what to do. */
final class Failures {

    private static final Pattern API_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Failures() {
    }

    /** The engine cannot be reached at {@code url}, for {@code reason}. */
    static DockerException unreachable(String url, String reason, Throwable cause) {
        if (reason.contains("HTTP request to an HTTPS server")) {
            return new DockerException("the Docker engine at " + url + " speaks TLS: give the target its client"
                    + " certificates (certs: a directory with ca.pem, cert.pem and key.pem)", cause);
        }
        return new DockerException("cannot reach the Docker engine at " + url + ": " + reason
                + "; is dockerd running? (set the target's docker: URL, or DOCKER_HOST)", cause);
    }

    /**
     * {@code e}, thrown while {@code doing} (such as {@code "starting container web-1"}), as a DockerException: the
     * engine could not be reached, or it answered with an error.
     */
    static DockerException of(String url, String doing, RuntimeException e) {
        if (e instanceof DockerException d) {
            return d;
        }
        String transport = transportProblem(e);
        if (transport != null) {
            return unreachable(url, transport, e);
        }
        return new DockerException("Docker engine at " + url + ": " + doing + " failed: " + reason(e), e);
    }

    /** What the engine (or the client) said, on one line, without the HTTP status and JSON around it. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            m = e.getClass().getSimpleName();
        }
        Matcher json = API_MESSAGE.matcher(m);
        if (json.find()) {
            m = json.group(1).replace("\\\"", "\"").replace("\\n", " ");
        }
        return oneLine(m);
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    /** Why the connection failed, when {@code e} is a failure to talk to the engine at all; else null. */
    static String transportProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return lower(t.getMessage(), "connection refused");
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof IOException && t.getCause() == null) {
                return lower(t.getMessage(), t.getClass().getSimpleName());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String lower(String m, String otherwise) {
        if (m == null || m.isBlank()) {
            return otherwise;
        }
        String s = oneLine(m);
        if (s.toLowerCase(java.util.Locale.ROOT).contains("connection refused")) {
            return "connection refused";
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
