package dev.runbook.expr.internal;

import dev.runbook.expr.Roots;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.MapContext;

/**
 * The context an expression is evaluated in: its roots, and the helper functions bound to the runbook's directory
 * when the roots know it (so that {@code changelog()} reads relative paths there), else the engine's shared ones.
 */
public final class RootsContext extends MapContext implements JexlContext.NamespaceResolver {

    private final Path dir;

    public RootsContext(Map<String, Object> roots) {
        super(roots);
        this.dir = roots instanceof Roots r ? r.dir() : null;
    }

    @Override
    public Object resolveNamespace(String name) {
        return name == null && dir != null ? new Functions(dir) : null;
    }
}
