package dev.runbook.expr;

import java.util.regex.Pattern;

/** POSIX shell quoting: any value becomes exactly one word that the shell reads back as the value. */
public final class ShellQuote {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {
    }

    /** The value as one shell word: left bare when it holds only safe characters, else single-quoted. */
    public static String quote(String value) {
        if (value.isEmpty()) {
            return "''";
        }
        if (SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
