package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Inventory;
import dev.runbook.model.Runbook;
import dev.runbook.model.Target;
import dev.runbook.vars.BoundParams;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets of a run: the hosts each one reaches (a fleet's from its list or its inventory group), and an
 * executor per host, opened on first use, reused by every step, fact and rollback, and closed at the end of the run.
 */
final class Targets implements AutoCloseable {

    /** Hosts worked on at once on a fleet that does not say ({@code forks}). */
    static final int DEFAULT_FORKS = 50;
    /** The one host of the local target. */
    static final Inventory.Host LOCALHOST = new Inventory.Host("localhost", "localhost", Map.of(), null);

    private final Runbook runbook;
    private final BoundParams params;
    private final SshLogins logins;
    private final Map<String, List<Inventory.Host>> hosts = new HashMap<>();
    private final Map<String, Executor> open = new LinkedHashMap<>();
    private final Map<String, dev.runbook.exec.docker.DockerEngine> engines = new LinkedHashMap<>();
    private final List<dev.runbook.exec.ssh.DockerSocketTunnel> tunnels = new java.util.ArrayList<>();

    Targets(Runbook runbook, BoundParams params, SshLogins logins) {
        this.runbook = runbook;
        this.params = params;
        this.logins = logins;
    }

    /** The names of the targets the runbook's steps (rollbacks included) run on. */
    static java.util.Set<String> used(Runbook runbook) {
        java.util.Set<String> used = new java.util.TreeSet<>();
        collect(runbook.steps(), used);
        return used;
    }

    private static void collect(java.util.List<dev.runbook.model.Step> steps, java.util.Set<String> used) {
        for (var s : steps) {
            used.add(s.common().on());
            collect(s.common().rollback(), used);
            if (s instanceof dev.runbook.model.Step.Group g) {
                collect(g.steps(), used);
            } else if (s instanceof dev.runbook.model.Step.Include i) {
                collect(i.fragment().steps(), used);
            }
        }
    }

    Target target(String name) {
        return runbook.targets().get(name);
    }

    /** The hosts of a target, in order: one for local and single-host targets. */
    synchronized List<Inventory.Host> hosts(String name) {
        return hosts.computeIfAbsent(name, n -> {
            Target t = target(n);
            if (t instanceof Target.Ssh ssh) {
                List<Inventory.Host> out = dev.runbook.vars.TargetHosts.of(ssh, params);
                if (out.isEmpty()) {
                    throw new RunbookException("target '" + n + "' has no hosts");
                }
                return out;
            }
            return List.of(LOCALHOST);
        });
    }

    /** Whether steps on the target run host by host (an SSH target of more than one host). */
    boolean fleet(String name) {
        return target(name) instanceof Target.Ssh && hosts(name).size() > 1;
    }

    /** Hosts worked on at once. */
    int forks(String name) {
        return target(name) instanceof Target.Ssh ssh && ssh.forks() != null ? ssh.forks() : DEFAULT_FORKS;
    }

    /** The executor of a single-host target (or of a fleet's first host). */
    Executor executor(String name) {
        return executor(name, hosts(name).get(0));
    }

    /** The executor that runs commands on one host of a target. */
    synchronized Executor executor(String name, Inventory.Host host) {
        Target t = target(name);
        return open.computeIfAbsent(name + "\u0000" + host.address(), k -> {
            if (t instanceof Target.Local) {
                return new LocalExecutor();
            }
            if (t instanceof Target.Ssh ssh) {
                return logins.executor(ssh, host.address());
            }
            throw new RunbookException("target '" + name + "' is a Docker engine: it runs container, exec,"
                    + " restart, stop, start and pull steps, not commands of its own");
        });
    }

    /** The engine of a docker target, connected on first use (through its SSH target's connection, with via). */
    synchronized dev.runbook.exec.docker.DockerEngine docker(String name) {
        return engines.computeIfAbsent(name, n -> {
            if (!(target(n) instanceof Target.Docker d)) {
                throw new RunbookException("target '" + n + "' is " + target(n).kind() + ", not a Docker engine");
            }
            Map<String, Object> roots = new HashMap<>();
            roots.put("params", params.values());
            var plain = new dev.runbook.expr.RenderOptions(false, java.util.Set.of(), java.util.Set.of(), false);
            String url = d.url() == null ? null : dev.runbook.expr.Expressions.template(d.url()).render(roots, plain);
            if (url != null && (url.isBlank() || url.equals("default"))) {
                url = null;
            }
            if (d.via() != null) {
                return throughSsh(d, url);
            }
            java.nio.file.Path certs = d.certs() == null ? null : baseDir().resolve(
                    dev.runbook.expr.Expressions.template(d.certs()).render(roots, plain));
            return dev.runbook.exec.docker.DockerEngine.connect(url, certs);
        });
    }

    /** The engine at a socket on the host of the target's {@code via}, reached through a local socket over SSH. */
    private dev.runbook.exec.docker.DockerEngine throughSsh(Target.Docker d, String url) {
        if (url != null && !url.startsWith("unix:///")) {
            throw new RunbookException("target '" + d.name() + "' is reached via '" + d.via() + "': its docker: is"
                    + " the engine's socket on that host, unix:///PATH (or default), not '" + url + "'");
        }
        String socket = url == null ? "/var/run/docker.sock" : url.substring("unix://".length());
        if (!(target(d.via()) instanceof Target.Ssh ssh)) {
            throw new RunbookException("target '" + d.name() + "' is reached via '" + d.via() + "', which is not an"
                    + " ssh target");
        }
        List<Inventory.Host> through = hosts(d.via());
        if (through.size() != 1) {
            throw new RunbookException("target '" + d.name() + "' is reached via '" + d.via() + "', which has "
                    + through.size() + " hosts; an engine is reached through one host");
        }
        var tunnel = logins.dockerTunnel(ssh, through.get(0).address(), socket);
        tunnels.add(tunnel);
        return dev.runbook.exec.docker.DockerEngine.connectThrough(tunnel.socket(), tunnel.describe());
    }

    private java.nio.file.Path baseDir() {
        java.nio.file.Path parent = runbook.file().toAbsolutePath().getParent();
        return parent == null ? java.nio.file.Path.of(".") : parent;
    }

    /**
     * What {@code target} is in expressions evaluated on a host of it: {@code name} (the host's name on an SSH
     * target: its inventory name, or its address as written; else the target's name), {@code host} (the host part
     * of its address), {@code kind} and {@code vars} (the host's inventory vars).
     */
    Map<String, Object> root(String name, Inventory.Host host) {
        Target t = target(name);
        Map<String, Object> m = new LinkedHashMap<>();
        boolean ssh = t instanceof Target.Ssh;
        m.put("name", ssh ? host.name() : t.name());
        m.put("host", ssh ? dev.runbook.exec.ssh.SshAddress.parse(host.address()).host() : host.address());
        m.put("kind", t.kind());
        m.put("vars", host.vars());
        return m;
    }

    @Override
    public synchronized void close() {
        open.values().forEach(Executor::close);
        open.clear();
        engines.values().forEach(dev.runbook.exec.docker.DockerEngine::close);
        engines.clear();
        tunnels.forEach(dev.runbook.exec.ssh.DockerSocketTunnel::close);
        tunnels.clear();
        logins.close();
    }
}
