package dev.runbook.validate;

import dev.runbook.diag.Problems;
import dev.runbook.model.Param;
import dev.runbook.model.ParamValues;
import java.util.Map;

/** Checks param declarations: defaults and allowed values fit the type, the default is allowed. */
final class ParamChecks {

    private ParamChecks() {
    }

    static void check(Map<String, Param> params, String path, Problems problems) {
        for (Param p : params.values()) {
            String at = path + "." + p.name();
            if (p.defaultValue() != null) {
                ParamValues.Result r = ParamValues.coerce(p.type(), p.defaultValue());
                if (!r.ok()) {
                    problems.add(p.at(), at + ".default", "the default of " + p.type().keyword() + " param '"
                            + p.name() + "' " + r.error());
                } else if (!p.allowed().isEmpty() && !allowed(p, r.value())) {
                    problems.add(p.at(), at + ".default", "the default '" + p.defaultValue()
                            + "' is not one of the allowed values " + p.allowed());
                }
            }
            for (Object a : p.allowed()) {
                ParamValues.Result r = ParamValues.coerce(p.type(), a);
                if (!r.ok()) {
                    problems.add(p.at(), at + ".allowed", "an allowed value of '" + p.name() + "' " + r.error());
                }
            }
        }
    }

    /** Whether a typed value is among the param's allowed values. */
    static boolean allowed(Param p, Object value) {
        return p.allowed().stream().map(a -> ParamValues.coerce(p.type(), a).value()).anyMatch(value::equals);
    }
}
