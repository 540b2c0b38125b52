package dev.runbook.exec;

import dev.runbook.expr.RenderOptions;
import java.util.Map;

/**
 * The params a step sees (the runbook's, or an included fragment's) and how its templates render.
 *
 * @param params  typed values
 * @param options quoting and secrets; {@code maskSecrets} is true (the run renders unmasked copies to execute)
 */
record Scope(Map<String, Object> params, RenderOptions options) {

    RenderOptions executing(boolean shell) {
        RenderOptions o = shell ? options.forShell() : options.forText();
        return new RenderOptions(o.shell(), o.commandParams(), o.secrets(), false);
    }

    RenderOptions showing(boolean shell) {
        return shell ? options.forShell() : options.forText();
    }
}
