package dev.runbook.exec;

import dev.runbook.model.Fact;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code facts} root of one evaluation point: a fact is collected when an expression first reads it, and
 * at most once; the values read are kept for the journal.
 */
final class LazyFacts extends AbstractMap<String, Object> {

    private final Map<String, Fact> declared;
    private final FactCollector collector;
    private final Map<String, Object> collected = new LinkedHashMap<>();

    LazyFacts(Map<String, Fact> declared, FactCollector collector) {
        this.declared = declared;
        this.collector = collector;
    }

    @Override
    public Object get(Object key) {
        String name = String.valueOf(key);
        if (!collected.containsKey(name)) {
            Fact fact = declared.get(name);
            if (fact == null) {
                return null;
            }
            collected.put(name, collector.collect(fact));
        }
        return collected.get(name);
    }

    @Override
    public boolean containsKey(Object key) {
        return declared.containsKey(String.valueOf(key));
    }

    /** The facts collected so far at this point, by name. */
    Map<String, Object> collected() {
        return collected;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return collected.entrySet();
    }
}
