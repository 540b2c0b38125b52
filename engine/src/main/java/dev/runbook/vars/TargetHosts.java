package dev.runbook.vars;

import dev.runbook.diag.InputException;
import dev.runbook.expr.Expressions;
import dev.runbook.expr.RenderOptions;
import dev.runbook.model.Inventory;
import dev.runbook.model.Target;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The hosts an SSH target reaches in a run: each {@code ssh} entry rendered with the params, and an entry
 * {@code @GROUP} replaced by the hosts of that group of the inventory ({@code --inventory FILE}). A host written in
 * the runbook is named by its rendered address and has no vars.
 */
public final class TargetHosts {

    private TargetHosts() {
    }

    /**
     * The target's hosts, in order.
     *
     * @throws InputException when the target names an inventory group and there is no inventory, or the inventory
     *                        has no such group
     */
    public static List<Inventory.Host> of(Target.Ssh t, BoundParams params) {
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", params.values());
        RenderOptions plain = new RenderOptions(false, Set.of(), Set.of(), false);
        return of(t, params.inventory(), h -> Expressions.template(h).render(roots, plain));
    }

    /** The target's hosts, each written entry rendered by {@code render}. */
    public static List<Inventory.Host> of(Target.Ssh t, Inventory inventory, Function<Text, String> render) {
        Optional<String> group = group(t);
        if (group.isPresent()) {
            return group(t, group.get(), inventory).hosts();
        }
        List<Inventory.Host> out = new ArrayList<>();
        for (Text h : t.hosts()) {
            String address = render.apply(h).strip();
            out.add(new Inventory.Host(address, address, Map.of(), h.at()));
        }
        return List.copyOf(out);
    }

    /** The inventory group the target names ({@code ssh: "@web"} names {@code web}), if it names one. */
    public static Optional<String> group(Target.Ssh t) {
        if (t.hosts().size() == 1 && t.hosts().get(0).source().strip().startsWith("@")) {
            return Optional.of(t.hosts().get(0).source().strip().substring(1));
        }
        return Optional.empty();
    }

    private static Inventory.Group group(Target.Ssh t, String name, Inventory inventory) {
        if (inventory == null || inventory.file() == null) {
            throw new InputException("target '" + t.name() + "' runs on the hosts of inventory group '" + name
                    + "': give the inventory with --inventory FILE", t.at());
        }
        Inventory.Group g = inventory.groups().get(name);
        if (g == null) {
            throw new InputException("target '" + t.name() + "' runs on the hosts of group '" + name
                    + "', but the inventory " + inventory.file() + " has no group '" + name + "'; its groups are "
                    + String.join(", ", inventory.groups().keySet()), t.at());
        }
        return g;
    }
}
