package dev.runbook.plan;

import dev.runbook.expr.RenderOptions;
import dev.runbook.model.Target;
import java.util.Map;

/**
 * What an expression sees at one place of the plan.
 *
 * @param params  the params in scope (the runbook's, or an included fragment's)
 * @param target  the step's target, or null outside steps
 * @param options how templates render
 */
record PlanScope(Map<String, Object> params, Target target, RenderOptions options) {
}
