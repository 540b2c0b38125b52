package dev.runbook.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a runbook so that all of them are reported at once, not only the first. */
public final class Problems {

    private final List<Problem> list = new ArrayList<>();

    /** Records a problem. */
    public void add(SourceLocation at, String path, String message) {
        list.add(new Problem(at, path, message));
    }

    /** Records a problem found elsewhere. */
    public void add(Problem problem) {
        list.add(problem);
    }

    /** Records all problems of another collector. */
    public void addAll(List<Problem> problems) {
        list.addAll(problems);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    /** The problems in file, line and column order; duplicates (same place, same message) removed. */
    public List<Problem> sorted() {
        return list.stream()
                .distinct()
                .sorted(Comparator.comparing((Problem p) -> String.valueOf(p.location().file()))
                        .thenComparingInt(p -> p.location().line())
                        .thenComparingInt(p -> p.location().column()))
                .toList();
    }

    /** Throws an {@link InvalidRunbookException} carrying every problem, if there is any. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidRunbookException(sorted());
        }
    }
}
