package rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The `rails` CLI stand-in: db:migrate, db:rollback STEP=N, db:migrate:status, and one runner snippet. */
final class Rails {
    static final Pattern FILE = Pattern.compile("(\\d{14})_([a-z0-9_]+)\\.(up|down)\\.sql");
    static final String RUNNER_SNIPPET = "Campaign.where(name: ARGV.first).destroy_all";

    record Migration(String version, String name, Path up, Path down) {
        String className() {
            StringBuilder b = new StringBuilder();
            for (String p : name.split("_")) if (!p.isEmpty()) b.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
            return b.toString();
        }

        String humanized() {
            String h = name.replace('_', ' ');
            return Character.toUpperCase(h.charAt(0)) + h.substring(1);
        }
    }

    static int main(String[] args) {
        if (args.length == 0) return usage();
        try {
            switch (args[0]) {
                case "db:migrate": return migrate(target(args));
                case "db:rollback": return rollback(step(args));
                case "db:migrate:status": return status();
                case "db:version": return version();
                case "runner": return runner(args);
                case "-v": case "--version": System.out.println("Rails stand-in (rehearsal) " + Conf.release()); return 0;
                default: return usage();
            }
        } catch (SQLException | IOException e) {
            System.err.println("bin/rails aborted!");
            System.err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    static int usage() {
        System.err.println("usage: bin/rails db:migrate [VERSION=x] | db:rollback [STEP=N] | db:migrate:status | db:version | runner '"
                + RUNNER_SNIPPET + "' NAME\n(a stand-in of the Rails commands the deploy runbook uses; nothing else is supported)");
        return 2;
    }

    static String arg(String[] args, String key) {
        for (int i = 1; i < args.length; i++) if (args[i].startsWith(key + "=")) return args[i].substring(key.length() + 1);
        String env = System.getenv(key);
        return env == null || env.isEmpty() ? null : env;
    }

    static int step(String[] args) {
        String s = arg(args, "STEP");
        if (s == null) return 1;
        int n = Integer.parseInt(s);
        if (n < 1) throw new IllegalArgumentException("STEP must be >= 1");
        return n;
    }

    static String target(String[] args) { return arg(args, "VERSION"); }

    static TreeMap<String, Migration> files() throws IOException {
        Path dir = Conf.appRoot().resolve("db/migrate");
        TreeMap<String, Path[]> found = new TreeMap<>();
        TreeMap<String, String> names = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                Path[] pair = found.computeIfAbsent(m.group(1), k -> new Path[2]);
                pair[m.group(3).equals("up") ? 0 : 1] = p;
                names.put(m.group(1), m.group(2));
            }
        }
        TreeMap<String, Migration> out = new TreeMap<>();
        for (var e : found.entrySet()) out.put(e.getKey(), new Migration(e.getKey(), names.get(e.getKey()), e.getValue()[0], e.getValue()[1]));
        return out;
    }

    static TreeSet<String> applied(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("create table if not exists schema_migrations (version varchar primary key)");
        }
        TreeSet<String> v = new TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select version from schema_migrations")) {
            while (rs.next()) v.add(rs.getString(1));
        }
        return v;
    }

    static String bar(String head) {
        StringBuilder b = new StringBuilder(head + " ");
        while (b.length() < 79) b.append('=');
        return b.toString();
    }

    /** Runs one migration file in its own transaction, with its schema_migrations change. */
    static void apply(Connection c, Migration m, boolean up) throws IOException, SQLException {
        Path file = up ? m.up : m.down;
        String verb = up ? "migrat" : "revert";
        System.out.println(bar("== " + m.version + " " + m.className() + ": " + verb + "ing"));
        if (file == null) throw new IOException("ActiveRecord::IrreversibleMigration: " + m.className() + " has no " + (up ? "up" : "down") + ".sql");
        String sql = Files.readString(file);
        long t0 = System.nanoTime();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.split(";\\s*(\\n|$)")) {
                if (stmt.strip().isEmpty() || stmt.strip().startsWith("--") && !stmt.contains("\n")) continue;
                String first = stmt.strip().lines().filter(l -> !l.strip().startsWith("--")).findFirst().orElse("");
                if (first.isEmpty()) continue;
                System.out.println("-- execute(" + Conf.json(first.length() > 60 ? first.substring(0, 60) + "..." : first) + ")");
                long s0 = System.nanoTime();
                s.execute(stmt);
                System.out.printf(Locale.ROOT, "   -> %.4fs%n", (System.nanoTime() - s0) / 1e9);
            }
            try (PreparedStatement ps = c.prepareStatement(up ? "insert into schema_migrations (version) values (?)"
                    : "delete from schema_migrations where version = ?")) {
                ps.setString(1, m.version);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        System.out.println(bar(String.format(Locale.ROOT, "== %s %s: %sed (%.4fs)", m.version, m.className(), verb, (System.nanoTime() - t0) / 1e9)));
        System.out.println();
    }

    static int migrate(String target) throws IOException, SQLException {
        TreeMap<String, Migration> files = files();
        try (Connection c = Conf.db()) {
            TreeSet<String> done = applied(c);
            if (target != null) {
                // VERSION=x: migrate up to x, or down to x (reverting everything newer), like Rails.
                List<String> newer = new ArrayList<>(done.tailSet(target, false).descendingSet());
                for (String v : newer) if (!run(c, files.get(v), v, false)) return 1;
            }
            for (Migration m : files.values()) {
                if (done.contains(m.version) || target != null && m.version.compareTo(target) > 0) continue;
                if (!run(c, m, m.version, true)) return 1;
            }
        }
        return 0;
    }

    static boolean run(Connection c, Migration m, String version, boolean up) throws IOException {
        try {
            if (m == null) throw new IOException("ActiveRecord::UnknownMigrationVersionError: No migration with version number " + version + ".");
            apply(c, m, up);
            return true;
        } catch (SQLException | IOException e) {
            System.err.println("bin/rails aborted!");
            System.err.println("StandardError: An error has occurred, " + (up ? "this and all later migrations canceled" : "the rollback stopped") + ":");
            System.err.println();
            System.err.println((e instanceof SQLException s ? "PG::Error (SQLSTATE " + s.getSQLState() + "): " : "") + e.getMessage());
            System.err.println("Tasks: TOP => db:" + (up ? "migrate" : "rollback"));
            return false;
        }
    }

    static int rollback(int steps) throws IOException, SQLException {
        TreeMap<String, Migration> files = files();
        try (Connection c = Conf.db()) {
            List<String> newest = new ArrayList<>(applied(c).descendingSet());
            for (int i = 0; i < steps && i < newest.size(); i++) {
                if (!run(c, files.get(newest.get(i)), newest.get(i), false)) return 1;
            }
        }
        return 0;
    }

    static int status() throws IOException, SQLException {
        TreeMap<String, Migration> files = files();
        try (Connection c = Conf.db()) {
            TreeSet<String> done = applied(c);
            TreeSet<String> all = new TreeSet<>(files.keySet());
            all.addAll(done);
            System.out.println();
            System.out.println("database: " + c.getCatalog());
            System.out.println();
            System.out.println(" Status   Migration ID    Migration Name");
            System.out.println("--------------------------------------------------");
            for (String v : all) {
                String st = done.contains(v) ? "up" : "down";
                Migration m = files.get(v);
                System.out.println(center(st, 8) + "  " + v + "  " + (m == null ? "********** NO FILE **********" : m.humanized()));
            }
            System.out.println();
        }
        return 0;
    }

    static int version() throws IOException, SQLException {
        try (Connection c = Conf.db()) {
            TreeSet<String> done = applied(c);
            System.out.println("Current version: " + (done.isEmpty() ? "0" : done.last()));
        }
        return 0;
    }

    static String center(String s, int w) {
        int left = (w - s.length()) / 2, right = w - s.length() - left;
        return " ".repeat(left) + s + " ".repeat(right);
    }

    static int runner(String[] args) throws SQLException {
        if (args.length != 3 || !args[1].strip().equals(RUNNER_SNIPPET)) {
            System.err.println("bin/rails runner: this stand-in only runs exactly: bin/rails runner '" + RUNNER_SNIPPET + "' NAME");
            return 2;
        }
        try (Connection c = Conf.db()) {
            c.setAutoCommit(false);
            int n;
            try (PreparedStatement t = c.prepareStatement("delete from tasks where campaign_id in (select id from campaigns where name = ?)");
                 PreparedStatement p = c.prepareStatement("delete from campaigns where name = ?")) {
                t.setString(1, args[2]);
                t.executeUpdate();
                p.setString(1, args[2]);
                n = p.executeUpdate();
            }
            c.commit();
            System.err.println("destroyed " + n + " campaign(s) named " + args[2]);
        }
        return 0;
    }

    private Rails() {}
}
