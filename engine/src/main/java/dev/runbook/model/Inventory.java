package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * The hosts of a customer, in groups, from an inventory file ({@code --inventory FILE}): an SSH target written
 * {@code ssh: "@web"} works on the hosts of group {@code web}.
 *
 * @param groups by name, in file order
 */
public record Inventory(java.nio.file.Path file, Map<String, Group> groups) {

    public static final Inventory NONE = new Inventory(null, Map.of());

    /**
     * A group of hosts.
     *
     * @param vars values every host of the group has under {@code target.vars} (a host's own win)
     */
    public record Group(String name, List<Host> hosts, Map<String, Object> vars, SourceLocation at) {
    }

    /**
     * One host.
     *
     * @param name    its name in the inventory
     * @param address where to reach it, {@code user@host:port}
     * @param vars    its own values, under {@code target.vars}
     */
    public record Host(String name, String address, Map<String, Object> vars, SourceLocation at) {
    }
}
