package dev.runbook.validate;

import dev.runbook.diag.Problems;
import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Text;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Facts are read-only: SQL facts run queries only, Redis facts only commands that read. */
public final class ReadOnly {

    /** The Redis commands a fact may send. */
    public static final Set<String> REDIS_COMMANDS = Set.of("GET", "MGET", "EXISTS", "SCAN", "ZCARD", "ZCOUNT", "LLEN",
            "SCARD", "HGET", "HLEN", "HEXISTS", "INFO", "DBSIZE", "KEYS", "TTL", "TYPE", "STRLEN", "PING");
    private static final Pattern SQL_READ = Pattern.compile("(?is)^\\s*(select|with|show|explain|values|table)\\b.*");
    private static final Pattern SQL_WRITE = Pattern.compile("(?i)\\b(insert|update|delete|drop|alter|create|truncate|grant"
            + "|revoke|copy|call|merge|vacuum|execute|refresh|reindex|cluster)\\b");
    private static final Pattern SQL_QUOTED = Pattern.compile("'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\\n]*|/\\*.*?\\*/",
            Pattern.DOTALL);

    private ReadOnly() {
    }

    /** Records a problem when the query does not start as a read (select, with, show, explain, values, table). */
    static void sql(Text query, String path, Problems problems) {
        if (!SQL_READ.matcher(query.source()).matches()) {
            problems.add(query.at(), path, "a sql fact runs queries that read (select, with, show, explain), not '"
                    + firstWord(query.source()) + "': facts never change anything");
            return;
        }
        String code = SQL_QUOTED.matcher(query.source()).replaceAll("''");
        int semicolon = code.indexOf(';');
        if (semicolon >= 0 && !code.substring(semicolon + 1).isBlank()) {
            problems.add(query.at(), path, "a sql fact runs one query, not several (found ';' followed by more)");
            return;
        }
        java.util.regex.Matcher write = SQL_WRITE.matcher(code);
        if (write.find()) {
            problems.add(query.at(), path, "a sql fact only reads, but this query holds '" + write.group(1)
                    + "': facts never change anything");
        }
    }

    static void redis(List<Text> command, SourceLocation at, String path, Problems problems) {
        if (command.isEmpty()) {
            return; // the parser has said that the command is missing or empty
        }
        String name = command.get(0).source().toUpperCase(Locale.ROOT);
        if (!REDIS_COMMANDS.contains(name)) {
            problems.add(command.get(0).at(), path, "redis command '" + command.get(0).source()
                    + "' is not one that only reads; a fact may send " + String.join(", ", new java.util.TreeSet<>(REDIS_COMMANDS)));
        }
    }

    private static String firstWord(String s) {
        String t = s.trim();
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }
}
