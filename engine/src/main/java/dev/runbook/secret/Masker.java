package dev.runbook.secret;

import dev.runbook.expr.ShellQuote;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The last line of defence for secrets: replaces every secret value (and its shell-quoted form) with
 * {@code ***} in any text before it leaves the engine.
 */
public final class Masker {

    /** Secrets shorter than this are not searched for: replacing every "a" would make output unreadable. */
    public static final int MIN_LENGTH = 3;
    public static final String MASK = "***";

    private final List<String> values;

    public Masker(Collection<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s != null && s.length() >= MIN_LENGTH) {
                all.add(s);
                all.add(ShellQuote.quote(s));
            }
        }
        this.values = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** A masker that masks nothing. */
    public static Masker none() {
        return new Masker(List.of());
    }

    /** A masker that also masks {@code secret}. */
    public Masker with(String secret) {
        List<String> all = new java.util.ArrayList<>(values);
        all.add(secret);
        return new Masker(all);
    }

    /** The text with every secret replaced by {@code ***}. */
    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : values) {
            out = out.replace(v, MASK);
        }
        return out;
    }
}
