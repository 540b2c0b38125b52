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

    private ReadOnly() {
    }

    /** Records a problem when the query does not start as a read (select, with, show, explain, values, table). */
    static void sql(Text query, String path, Problems problems) {
        if (!SQL_READ.matcher(query.source()).matches()) {
            problems.add(query.at(), path, "a sql fact runs queries that read (select, with, show, explain), not '"
                    + firstWord(query.source()) + "': facts never change anything");
        }
    }

    static void redis(List<Text> command, SourceLocation at, String path, Problems problems) {
        if (command.isEmpty()) {
            problems.add(at, path, "the redis command is empty");
            return;
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
