package dev.runbook.parse;

import dev.runbook.diag.InvalidRunbookException;
import dev.runbook.diag.Problems;
import dev.runbook.model.Inventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads an inventory file ({@code --inventory FILE}) strictly: the hosts of a customer in groups, each host with its
 * address ({@code [user@]host[:port]}) and vars. A host's vars are the file's {@code vars}, then its group's, then its
 * own, later winning. A host may be in several groups, always with the same address. Every problem is collected
 * with its path and line:column, as for runbooks.
 *
 * <pre>
 * vars: { app_dir: /srv/app }
 * groups:
 *   web:
 *     vars: { pool: blue }
 *     hosts:
 *       web1: { ssh: "deploy@10.0.0.11", vars: { weight: 2 } }
 *       web2: "deploy@10.0.0.12:2222"
 * </pre>
 */
public final class InventoryParser {

    /** A group's or a host's name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:[A-Za-z0-9_][A-Za-z0-9_.-]*@)?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+])"
                    + "(?::(?<port>[0-9]{1,5}))?");

    private final NodeReader r;
    /** Each host's first appearance, by name: to hold a name to one address across groups. */
    private final Map<String, Inventory.Host> seen = new LinkedHashMap<>();

    private InventoryParser(NodeReader reader) {
        this.r = reader;
    }

    /** The inventory in {@code file}, or an {@link InvalidRunbookException} with every problem of it. */
    public static Inventory load(Path file) {
        Problems problems = new Problems();
        Optional<Inventory> inventory = read(file, problems);
        problems.throwIfAny();
        return inventory.orElseThrow();
    }

    /** The inventory in {@code file}, its problems added to {@code problems}; empty when it could not be read. */
    public static Optional<Inventory> read(Path file, Problems problems) {
        int before = problems.size();
        Optional<YamlLoader.Document> doc = YamlLoader.load(file, problems);
        if (doc.isEmpty()) {
            return Optional.empty();
        }
        NodeReader r = new NodeReader(file, doc.get(), problems);
        Node root = doc.get().root();
        if (!(root instanceof MappingNode)) {
            r.problem(root, "", "an inventory must be a mapping with keys vars and groups, not "
                    + NodeReader.describe(root));
            return Optional.empty();
        }
        Inventory inventory = new InventoryParser(r).inventory(r.fields(root, "", "the inventory", Keys.INVENTORY)
                .orElseThrow());
        return problems.size() == before ? Optional.of(inventory) : Optional.empty();
    }

    private Inventory inventory(Fields f) {
        Map<String, Object> top = vars(f);
        Map<String, Inventory.Group> groups = new LinkedHashMap<>();
        if (!f.has("groups")) {
            f.missing("groups");
        }
        f.node("groups").flatMap(n -> r.fields(n, "groups", "'groups'", null)).ifPresent(all -> {
            if (all.keys().isEmpty() && !all.node().getValue().isEmpty()) {
                return;
            }
            if (all.keys().isEmpty()) {
                r.problem(all.node(), "groups", "an inventory needs at least one group");
            }
            for (String name : all.keys()) {
                String path = all.child(name);
                if (!SshTargetParser.GROUP.matcher(name).matches()) {
                    r.problem(all.keyNode(name).orElseThrow(), path, "the group name '" + name
                            + "' may hold only letters, digits, '_' and '-' (targets name it as '@GROUP')");
                    continue;
                }
                all.node(name).flatMap(n -> r.fields(n, path, "group '" + name + "'", Keys.INVENTORY_GROUP))
                        .ifPresent(g -> groups.put(name, group(name, g, top)));
            }
        });
        return new Inventory(r.file(), java.util.Collections.unmodifiableMap(groups));
    }

    private Inventory.Group group(String name, Fields g, Map<String, Object> top) {
        Map<String, Object> own = vars(g);
        Map<String, Object> groupVars = new LinkedHashMap<>(top);
        groupVars.putAll(own);
        List<Inventory.Host> hosts = new ArrayList<>();
        if (!g.has("hosts")) {
            g.missing("hosts");
        }
        g.node("hosts").flatMap(n -> r.fields(n, g.child("hosts"), "the hosts of group '" + name + "'", null))
                .ifPresent(all -> {
                    if (all.keys().isEmpty() && all.node().getValue().isEmpty()) {
                        r.problem(all.node(), all.path(), "group '" + name + "' has no hosts");
                    }
                    for (String host : all.keys()) {
                        host(name, host, all, groupVars).ifPresent(hosts::add);
                    }
                });
        return new Inventory.Group(name, List.copyOf(hosts), java.util.Collections.unmodifiableMap(own),
                r.at(g.node()));
    }

    private Optional<Inventory.Host> host(String group, String name, Fields all, Map<String, Object> groupVars) {
        String path = all.child(name);
        Node key = all.keyNode(name).orElseThrow();
        if (!NAME.matcher(name).matches()) {
            r.problem(key, path, "the host name '" + name + "' may hold only letters, digits, '_', '-' and '.'");
            return Optional.empty();
        }
        Node n = all.node(name).orElseThrow();
        Map<String, Object> vars = new LinkedHashMap<>(groupVars);
        Node addressNode;
        if (n instanceof ScalarNode) {
            addressNode = n;
        } else if (!(n instanceof MappingNode)) {
            r.problem(n, path, "host '" + name + "' must be an address (\"deploy@10.0.0.11\") or a mapping"
                    + " { ssh: ADDRESS, vars: {...} }, not " + NodeReader.describe(n));
            return Optional.empty();
        } else {
            Optional<Fields> h = r.fields(n, path, "host '" + name + "'", Keys.INVENTORY_HOST);
            if (h.isEmpty()) {
                return Optional.empty();
            }
            vars.putAll(vars(h.get()));
            if (!h.get().has("ssh")) {
                h.get().missing("ssh");
                return Optional.empty();
            }
            addressNode = h.get().node("ssh").orElseThrow();
            path = h.get().child("ssh");
        }
        Optional<String> address = address(addressNode, path);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        Inventory.Host host = new Inventory.Host(name, address.get(), java.util.Collections.unmodifiableMap(vars),
                r.at(key));
        Inventory.Host first = seen.putIfAbsent(name, host);
        if (first != null && !first.address().equals(host.address())) {
            r.problem(addressNode, path, "host '" + name + "' is " + first.address() + " at line "
                    + first.at().line() + " and " + host.address() + " here (group '" + group
                    + "'): a host name has one address in all its groups");
        }
        return Optional.of(host);
    }

    private Optional<String> address(Node n, String path) {
        Optional<String> a = r.string(n, path, "the address");
        if (a.isEmpty()) {
            return a;
        }
        String v = a.get().strip();
        Matcher m = ADDRESS.matcher(v);
        if (!m.matches()) {
            r.problem(n, path, "the address '" + v + "' must be [user@]host[:port], such as deploy@10.0.0.11 or"
                    + " deploy@web1.example.com:2222 (an IPv6 host in brackets: deploy@[2001:db8::1]:22)");
            return Optional.empty();
        }
        if (m.group("port") != null) {
            int port = Integer.parseInt(m.group("port"));
            if (port < 1 || port > 65535) {
                r.problem(n, path, "the port " + port + " of '" + v + "' is not a TCP port (1-65535)");
                return Optional.empty();
            }
        }
        return Optional.of(v);
    }

    /** A {@code vars} mapping: identifier names (read as {@code target.vars.NAME}) to values of any shape. */
    private Map<String, Object> vars(Fields f) {
        Map<String, Object> out = new LinkedHashMap<>();
        f.node("vars").flatMap(n -> r.fields(n, f.child("vars"), "'vars'", null)).ifPresent(v -> {
            for (String name : v.keys()) {
                if (!NodeReader.IDENTIFIER.matcher(name).matches()) {
                    r.problem(v.keyNode(name).orElseThrow(), v.child(name), NodeReader.notIdentifier("the var name",
                            name));
                    continue;
                }
                out.put(name, r.value(v.node(name).orElseThrow(), v.child(name)));
            }
        });
        return out;
    }
}
