package dev.runbook.exec;

import java.io.Console;
import java.util.Locale;
import java.util.Set;

/**
 * Answers approval gates: {@code --yes} approves all, {@code --approve ID} one gate; otherwise an operator at a
 * terminal is asked; with neither, the gate is pending and the run stops there until {@code runbook resume}.
 */
public final class Approvals {

    /** The answer to a gate. */
    public enum Decision { APPROVED, REFUSED, PENDING }

    private final boolean yes;
    private final Set<String> approved;
    private final Console console;

    /**
     * @param console the terminal to ask, or null when there is none (CI, pipes)
     */
    public Approvals(boolean yes, Set<String> approved, Console console) {
        this.yes = yes;
        this.approved = Set.copyOf(approved);
        this.console = console;
    }

    /** Who answered, for the journal. */
    public String by(String gate) {
        return yes ? "--yes" : approved.contains(gate) ? "--approve " + gate : "the operator at the terminal";
    }

    public Decision decide(String gate, String question) {
        if (yes || approved.contains(gate)) {
            return Decision.APPROVED;
        }
        if (console == null) {
            return Decision.PENDING;
        }
        String answer = console.readLine("%n  approve '%s': %s [y/N] ", gate, question);
        if (answer == null) {
            return Decision.PENDING;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes") ? Decision.APPROVED : Decision.REFUSED;
    }
}
