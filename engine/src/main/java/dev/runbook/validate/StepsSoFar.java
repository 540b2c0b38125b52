package dev.runbook.validate;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps met so far in a walk of a runbook, in order, with their declared outputs: what {@code steps.ID} may read
 * at each place. A {@link #snapshot()} is the steps met up to that moment, taken in constant time (a view of the
 * first ones), so that a runbook of many steps is not checked in time quadratic in their number.
 */
final class StepsSoFar {

    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> position = new HashMap<>();
    private final Map<String, Set<String>> outputs = new HashMap<>();

    /** Records a step (a second step of the same id, an error reported elsewhere, keeps the first's place). */
    void add(String id, Set<String> declared) {
        if (position.putIfAbsent(id, ids.size()) == null) {
            ids.add(id);
            outputs.put(id, declared);
        }
    }

    /** The steps met until now, by id, in order; later additions do not show in it. */
    Map<String, Set<String>> snapshot() {
        return new Prefix(ids.size());
    }

    /** The first {@code size} steps. */
    private final class Prefix extends AbstractMap<String, Set<String>> {
        private final int size;

        Prefix(int size) {
            this.size = size;
        }

        @Override
        public boolean containsKey(Object id) {
            Integer at = position.get(id);
            return at != null && at < size;
        }

        @Override
        public Set<String> get(Object id) {
            return containsKey(id) ? outputs.get(id) : null;
        }

        @Override
        public Set<Entry<String, Set<String>>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Set<String>>> iterator() {
                    Iterator<String> it = ids.subList(0, size).iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<String, Set<String>> next() {
                            String id = it.next();
                            return new SimpleImmutableEntry<>(id, outputs.get(id));
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }
}
