package dev.runbook.plan;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/** The {@code facts} root of one evaluation in a plan, noting which facts the expression read. */
final class ReadFacts extends AbstractMap<String, Object> {

    private final Map<String, Object> facts;
    private final Set<String> read;

    ReadFacts(Map<String, Object> facts, Set<String> read) {
        this.facts = facts;
        this.read = read;
    }

    @Override
    public Object get(Object key) {
        read.add(String.valueOf(key));
        return facts.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return facts.containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return facts.entrySet();
    }
}
