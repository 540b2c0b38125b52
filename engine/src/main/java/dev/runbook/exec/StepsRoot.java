package dev.runbook.exec;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What expressions read as {@code steps}: each step's result, made into its map only when an expression reads it
 * (a runbook of many steps would otherwise rebuild every result's map for every expression).
 */
final class StepsRoot extends AbstractMap<String, Object> {

    private final Map<String, StepResult> results;

    StepsRoot(Map<String, StepResult> results) {
        this.results = results;
    }

    @Override
    public Object get(Object key) {
        StepResult r = results.get(key);
        return r == null ? null : r.toRoot();
    }

    @Override
    public boolean containsKey(Object key) {
        return results.containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        synchronized (results) {
            results.forEach((id, r) -> all.put(id, r.toRoot()));
        }
        return all.entrySet();
    }
}
