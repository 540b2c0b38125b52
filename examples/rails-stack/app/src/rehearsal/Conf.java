package rehearsal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Configuration: the environment (.env of the deployment) and config/release.env of the release. */
final class Conf {
    static final Map<String, String> RELEASE = readRelease();

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    static String need(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(name + " is not set (it comes from .env of the deployment)");
        }
        return v;
    }

    static String release() { return RELEASE.getOrDefault("RELEASE", "unknown"); }

    static String behaviour() { return RELEASE.getOrDefault("BEHAVIOUR", "healthy"); }

    static Path appRoot() { return Path.of(env("APP_ROOT", System.getProperty("user.dir"))); }

    private static Map<String, String> readRelease() {
        Map<String, String> m = new HashMap<>();
        Path p = Path.of(env("APP_ROOT", System.getProperty("user.dir")), "config", "release.env");
        try {
            for (String line : Files.readAllLines(p)) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#") || !line.contains("=")) continue;
                int i = line.indexOf('=');
                m.put(line.substring(0, i).trim(), line.substring(i + 1).trim());
            }
        } catch (IOException e) {
            System.err.println("W, warning -- : cannot read " + p + ": " + e.getMessage());
        }
        return m;
    }

    /** A JDBC connection from DATABASE_URL (postgres://user[:pw]@host:port/db). */
    static Connection db() throws SQLException {
        URI u = URI.create(need("DATABASE_URL"));
        Properties props = new Properties();
        String ui = u.getRawUserInfo();
        if (ui != null) {
            int i = ui.indexOf(':');
            props.setProperty("user", decode(i < 0 ? ui : ui.substring(0, i)));
            if (i >= 0) props.setProperty("password", decode(ui.substring(i + 1)));
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "rehearsal-app");
        String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getRawPath()
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return DriverManager.getConnection(jdbc, props);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Rails-logger-like line prefix. */
    static String stamp(char level) {
        return level + ", [" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + " #"
                + ProcessHandle.current().pid() + "]";
    }

    static void info(String msg) { System.out.println(stamp('I') + "  INFO -- : " + msg); System.out.flush(); }

    static void error(String msg) { System.out.println(stamp('E') + " ERROR -- : " + msg); System.out.flush(); }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
            }
        }
        return b.append('"').toString();
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Conf() {}
}
