package dev.runbook.validate;

import dev.runbook.model.Param;
import java.util.Map;
import java.util.Set;

/**
 * The names an expression may read at one place of a runbook.
 *
 * @param where     what the place is, for messages ("a precondition", "step 'migrate'")
 * @param params    the params in scope (the runbook's, or a fragment's)
 * @param steps     ids of the steps whose results exist here, with their declared outputs; null when
 *                  {@code steps} may not be read at all
 * @param hasTarget {@code target} may be read
 * @param rollback  {@code previous} may be read
 */
record Scope(String where, Map<String, Param> params, Map<String, Set<String>> steps, boolean hasTarget,
             boolean rollback) {
}
