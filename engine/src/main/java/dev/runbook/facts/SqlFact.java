package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code sql} fact: one query against PostgreSQL (JDBC, the official driver), in a read-only transaction
 * ({@code Connection.setReadOnly}, {@code SET TRANSACTION READ ONLY}) that is always rolled back; the server refuses
 * any write the query would do (a {@code nextval}, a function that writes). The url is libpq's
 * {@code postgresql://user:password@host:port/db?options} (user and password percent-encoded) or a JDBC url
 * {@code jdbc:postgresql://...}. The fact's timeout bounds connecting and, as {@code statement_timeout}, the query.
 *
 * <p>Its value, as {@code returns} says: {@code cell} the first column of the first row (null when no row),
 * {@code row} a map of the first row (null when no row), {@code rows} a list of maps. Values are plain: integers are
 * {@code Long}, {@code real}/{@code double} are {@code Double}, {@code numeric} is a {@code Long} when integral, a
 * {@code Double} when a double holds it exactly, a {@code String} otherwise; {@code json} is parsed; arrays are lists;
 * dates, times and anything else are their text.
 */
final class SqlFact {

    private SqlFact() {
    }

    static Object collect(FactSource.Sql s, Duration timeout, FactRoots roots) {
        Target target = target(roots.render(s.url(), false));
        String query = roots.render(s.query(), false);
        String returns = s.returns() == null ? "cell" : s.returns();
        // the server cancels the query at the timeout; the deadline, a little later, covers a server that never answers
        return Deadline.within(timeout.plusSeconds(2), "the query on " + target.shown,
                () -> run(target, query, returns, timeout));
    }

    /** Where to connect: a JDBC url, its user and password, and how it shows in messages (no user, no password). */
    record Target(String jdbc, Properties props, String shown) {
    }

    static Target target(String url) {
        String u = url.trim();
        Properties props = new Properties();
        String jdbc;
        if (u.startsWith("jdbc:postgresql:")) {
            jdbc = u;
        } else if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
            String rest = u.substring(u.indexOf("://") + 3);
            int end = indexOfAny(rest, "/?");
            int at = rest.lastIndexOf('@', end < 0 ? rest.length() - 1 : end);
            if (at >= 0) {
                String userinfo = rest.substring(0, at);
                rest = rest.substring(at + 1);
                int colon = userinfo.indexOf(':');
                String user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon));
                if (!user.isEmpty()) {
                    props.setProperty("user", user);
                }
                if (colon >= 0) {
                    props.setProperty("password", decode(userinfo.substring(colon + 1)));
                }
            }
            jdbc = "jdbc:postgresql://" + rest;
        } else {
            throw new RunbookException("a sql fact reads PostgreSQL: its url starts with postgresql:// (libpq) or"
                    + " jdbc:postgresql://");
        }
        String shown = jdbc.substring("jdbc:".length());
        int q = shown.indexOf('?');
        if (q >= 0) {
            shown = shown.substring(0, q); // options may hold a password
        }
        int at = shown.lastIndexOf('@');
        if (at >= 0) {
            shown = "postgresql://" + shown.substring(at + 1);
        }
        return new Target(jdbc, props, shown);
    }

    private static Object run(Target target, String query, String returns, Duration timeout) {
        Properties props = new Properties();
        props.putAll(target.props);
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        props.setProperty("connectTimeout", Long.toString(seconds));
        props.setProperty("loginTimeout", Long.toString(seconds));
        props.setProperty("socketTimeout", Long.toString(seconds + 5));
        props.setProperty("ApplicationName", "runbook fact");
        props.setProperty("readOnly", "true");
        Connection c;
        try {
            c = new org.postgresql.Driver().connect(target.jdbc, props);
        } catch (SQLException e) {
            throw new RunbookException("cannot connect to " + target.shown + ": " + why(e, timeout));
        }
        if (c == null) {
            throw new RunbookException("'" + target.shown + "' is not a PostgreSQL JDBC url");
        }
        try (c) {
            c.setReadOnly(true);
            c.setAutoCommit(false); // the driver begins a transaction, read only since the connection is
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
            }
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, seconds + 1));
                st.setMaxRows("rows".equals(returns) ? 0 : 1);
                boolean isResult = st.execute(query);
                while (!isResult && st.getUpdateCount() != -1) {
                    isResult = st.getMoreResults();
                }
                if (!isResult) {
                    throw new RunbookException("the query on " + target.shown + " returned no rows at all (not a"
                            + " query that reads?)");
                }
                try (ResultSet rs = st.getResultSet()) {
                    return value(rs, returns);
                }
            } finally {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // closing the connection ends the transaction anyway
                }
            }
        } catch (SQLException e) {
            throw new RunbookException("the query on " + target.shown + " failed: " + why(e, timeout));
        }
    }

    private static Object value(ResultSet rs, String returns) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        switch (returns) {
            case "cell":
                return rs.next() ? plain(rs.getObject(1), md.getColumnTypeName(1)) : null;
            case "row":
                return rs.next() ? row(rs, md) : null;
            default:
                List<Object> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs, md));
                }
                return rows;
        }
    }

    private static Map<String, Object> row(ResultSet rs, ResultSetMetaData md) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i), plain(rs.getObject(i), md.getColumnTypeName(i)));
        }
        return row;
    }

    /** A value as plain Java: Long, Double, String, Boolean, a List or a Map (json), or null. */
    static Object plain(Object v, String type) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String && !isJson(type)) {
            return v;
        }
        if (v instanceof Float f) {
            return Double.valueOf(f.toString());
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
        }
        if (v instanceof BigDecimal d) {
            return decimal(d);
        }
        if (v instanceof Array a) {
            Object[] items = (Object[]) a.getArray();
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                out.add(plain(item, ""));
            }
            return out;
        }
        if (v instanceof byte[] bytes) {
            StringBuilder hex = new StringBuilder("\\x");
            for (byte b : bytes) {
                hex.append(String.format(Locale.ROOT, "%02x", b));
            }
            return hex.toString();
        }
        String text = v.toString();
        if (isJson(type)) {
            Object parsed = Parse.jsonOrNull(text);
            return parsed == null && !"null".equals(text.trim()) ? text : parsed;
        }
        return text;
    }

    private static boolean isJson(String type) {
        return "json".equalsIgnoreCase(type) || "jsonb".equalsIgnoreCase(type);
    }

    private static Object decimal(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.precision() - s.scale() <= 18) {
            return s.longValueExact();
        }
        double x = d.doubleValue();
        if (!Double.isInfinite(x) && new BigDecimal(Double.toString(x)).compareTo(d) == 0) {
            return x;
        }
        return d.toPlainString();
    }

    /** Why it failed, in words: a timeout, a refused connection, or the server's message. */
    private static String why(SQLException e, Duration timeout) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if ("57014".equals(state)) {
            return "it took longer than its timeout of " + Durations.format(timeout) + " (" + message + ")";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + Durations.format(timeout) + " (" + message + ")";
            }
            if (t instanceof ConnectException) {
                return "connection refused (" + message + ")";
            }
        }
        return message + (state.isEmpty() ? "" : " [SQLSTATE " + state + "]");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decoding, as libpq does it ('+' stays '+'); text that is not well encoded stays as it is. */
    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
