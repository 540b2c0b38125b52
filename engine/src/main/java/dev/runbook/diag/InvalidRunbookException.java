package dev.runbook.diag;

import java.util.List;

/** A runbook (or vars file) that cannot be used: it carries every problem found, in source order. */
public final class InvalidRunbookException extends RunbookException {

    private final transient List<Problem> problems;

    public InvalidRunbookException(List<Problem> problems) {
        super(summary(problems), problems.isEmpty() ? null : problems.get(0).location());
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in source order. */
    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).message();
        }
        return problems.size() + " problems, the first: " + problems.get(0).format();
    }

    @Override
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Problem p : problems) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(p.format());
        }
        return out.toString();
    }
}
