package dev.runbook.exec;

import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import dev.runbook.vars.BoundParams;
import dev.runbook.exec.ssh.SshOptions;
import dev.runbook.exec.ssh.SshSessions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The SSH connections of a run: one {@link SshSessions} per way of logging in (a target's {@code known_hosts},
 * {@code identity}, ... rendered with the params), so that every step, fact and rollback on a host shares one session.
 */
final class SshLogins implements AutoCloseable {

    /**
     * What the operator says for the whole run.
     *
     * @param acceptNewHostKeys record the key of a host seen for the first time, instead of refusing it
     * @param baseDir           the runbook's directory, against which relative key and known_hosts paths are read
     */
    record Settings(boolean acceptNewHostKeys, Path baseDir) {
    }

    private final BoundParams params;
    private final Settings settings;
    private final Map<SshOptions, SshSessions> open = new LinkedHashMap<>();
    /** The connections Docker engines are reached through: their own, apart from the commands' (see dockerTunnel). */
    private final Map<SshOptions, SshSessions> tunnels = new LinkedHashMap<>();

    SshLogins(BoundParams params, Settings settings) {
        this.params = params;
        this.settings = settings;
    }

    /** The executor of one host of an SSH target. */
    synchronized Executor executor(Target.Ssh target, String address) {
        SshOptions o = options(target);
        return open.computeIfAbsent(o, SshSessions::new).executor(address);
    }

    /**
     * A local socket leading to a Docker engine's socket on one host of an SSH target, over a connection of its own:
     * a stream through {@code docker system dial-stdio} is a session, which the server counts against its MaxSessions
     * (10 by default), so the engine's streams must never take the place of the commands' channels.
     */
    synchronized dev.runbook.exec.ssh.DockerSocketTunnel dockerTunnel(Target.Ssh target, String address,
                                                                      String remoteSocket) {
        return tunnels.computeIfAbsent(options(target), SshSessions::new).dockerTunnel(address, remoteSocket);
    }

    /** The target's login, rendered. */
    SshOptions options(Target.Ssh target) {
        Target.SshLogin l = target.login();
        SshOptions o = SshOptions.defaults();
        // a template that renders empty (a param left at "") means the key was not given: the defaults apply
        Path knownHosts = path(l.knownHosts());
        if (knownHosts != null || settings.acceptNewHostKeys()) {
            o = o.withKnownHosts(knownHosts == null ? o.knownHosts() : knownHosts, settings.acceptNewHostKeys());
        }
        Path identity = path(l.identity());
        if (identity != null || l.passphrase() != null) {
            o = o.withIdentities(identity == null ? java.util.List.of() : java.util.List.of(identity),
                    l.passphrase() == null ? null : render(l.passphrase()));
        }
        if (l.password() != null) {
            o = o.withPassword(render(l.password()));
        }
        if (l.jump() != null) {
            o = o.withJump(render(l.jump()));
        }
        if (l.connectTimeout() != null) {
            var d = l.connectTimeout().literal() != null ? l.connectTimeout().literal()
                    : dev.runbook.model.Durations.parse(render(l.connectTimeout().template())).orElse(null);
            o = o.withTimeouts(d, o.keepAlive());
        }
        return o;
    }

    private Path path(Text t) {
        String p = t == null ? "" : render(t).strip();
        if (p.isEmpty()) {
            return null;
        }
        if (p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(p.substring(2));
        }
        return settings.baseDir().resolve(p);
    }

    private String render(Text t) {
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", params.values());
        return Expressions.template(t).render(roots, new RenderOptions(false, Set.of(), Set.of(), false));
    }

    @Override
    public synchronized void close() {
        open.values().forEach(SshSessions::close);
        open.clear();
        tunnels.values().forEach(SshSessions::close);
        tunnels.clear();
    }
}
