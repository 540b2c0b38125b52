package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.FactCollector;
import dev.runbook.model.Fact;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code facts} root of a plan: each fact collected when an expression first reads it and kept, value or
 * failure, for every other check of the plan, so that a fact is asked once and every check sees the same value.
 */
public final class CollectedFacts extends AbstractMap<String, Object> {

    private final Map<String, Fact> declared;
    private final FactCollector collector;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, RunbookException> failures = new LinkedHashMap<>();

    public CollectedFacts(Map<String, Fact> declared, FactCollector collector) {
        this.declared = declared;
        this.collector = collector;
    }

    @Override
    public synchronized Object get(Object key) {
        String name = String.valueOf(key);
        Fact fact = declared.get(name);
        if (fact == null) {
            return null;
        }
        RunbookException failed = failures.get(name);
        if (failed != null) {
            throw new RunbookException(failed.getMessage());
        }
        if (!values.containsKey(name)) {
            try {
                values.put(name, collector.collect(fact));
            } catch (RunbookException e) {
                failures.put(name, e);
                throw e;
            }
        }
        return values.get(name);
    }

    @Override
    public boolean containsKey(Object key) {
        return declared.containsKey(String.valueOf(key));
    }

    /** The facts collected so far, by name. */
    public synchronized Map<String, Object> collected() {
        return new LinkedHashMap<>(values);
    }

    @Override
    public synchronized Set<Entry<String, Object>> entrySet() {
        return new LinkedHashMap<>(values).entrySet();
    }
}
