package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Fact;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code facts} root of one evaluation point: a fact is collected when an expression first reads it, and at
 * most once (a failure too is kept, so a fact that times out costs its timeout once); each collection is reported
 * to a listener, which records it.
 */
final class LazyFacts extends AbstractMap<String, Object> {

    /** Hears of each fact collected: its value, or why it could not be collected. */
    interface Listener {
        void collected(Fact fact, Object value, String error);

        Listener NONE = (fact, value, error) -> { };
    }

    private final Map<String, Fact> declared;
    private final FactCollector collector;
    private final Listener listener;
    private final Map<String, Object> collected = new LinkedHashMap<>();
    private final Map<String, RunbookException> failed = new LinkedHashMap<>();

    /** Collects several facts at once; threads are made on demand and end when idle. */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fact-collector");
        t.setDaemon(true);
        return t;
    });

    LazyFacts(Map<String, Fact> declared, FactCollector collector, Listener listener) {
        this.declared = declared;
        this.collector = collector;
        this.listener = listener;
    }

    /** Collects in parallel those of the named facts not collected yet, when there are several to collect. */
    void prefetch(java.util.Collection<String> names) {
        List<Fact> todo = names.stream().distinct().filter(n -> !collected.containsKey(n) && !failed.containsKey(n))
                .map(declared::get).filter(java.util.Objects::nonNull).toList();
        if (todo.size() < 2) {
            return;
        }
        List<java.util.concurrent.Future<Object>> results = new ArrayList<>();
        for (Fact f : todo) {
            results.add(POOL.submit(() -> collector.collect(f)));
        }
        for (int i = 0; i < todo.size(); i++) {
            Fact f = todo.get(i);
            try {
                Object value = results.get(i).get();
                collected.put(f.name(), value);
                listener.collected(f, value, null);
            } catch (java.util.concurrent.ExecutionException e) {
                RunbookException reason = e.getCause() instanceof RunbookException r ? r
                        : new RunbookException("fact '" + f.name() + "' cannot be collected: " + e.getCause());
                failed.put(f.name(), reason);
                listener.collected(f, null, reason.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                results.forEach(r -> r.cancel(true));
                return;
            }
        }
    }

    @Override
    public Object get(Object key) {
        String name = String.valueOf(key);
        RunbookException failure = failed.get(name);
        if (failure != null) {
            throw failure;
        }
        if (!collected.containsKey(name)) {
            Fact fact = declared.get(name);
            if (fact == null) {
                return null;
            }
            try {
                Object value = collector.collect(fact);
                collected.put(name, value);
                listener.collected(fact, value, null);
            } catch (RunbookException e) {
                failed.put(name, e);
                listener.collected(fact, null, e.getMessage());
                throw e;
            }
        }
        return collected.get(name);
    }

    @Override
    public boolean containsKey(Object key) {
        return declared.containsKey(String.valueOf(key));
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return collected.entrySet();
    }
}
