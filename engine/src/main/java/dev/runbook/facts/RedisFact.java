package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.model.Durations;
import dev.runbook.model.FactSource;
import dev.runbook.model.Text;
import dev.runbook.validate.ReadOnly;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A {@code redis} fact: one command that reads ({@link ReadOnly#REDIS_COMMANDS}; any other is refused here before
 * anything is sent, validation or not), over a connection to {@code redis://[user:password@]host:port[/db]}
 * ({@code rediss://} for TLS). The fact's timeout bounds connecting, each answer and the whole walk of a SCAN.
 *
 * <p>Its value is the reply: a number (Long), a string, a list, or null. Besides: {@code INFO} is a map of its
 * {@code key:value} lines (numbers as numbers); {@code KEYS pattern} is the <em>number</em> of matching keys, not
 * their list; {@code SCAN [cursor] [MATCH p] [COUNT n] [TYPE t]} walks the whole cursor and is the number of
 * distinct keys it met.
 */
final class RedisFact {

    private RedisFact() {
    }

    static Object collect(FactSource.Redis r, Duration timeout, FactRoots roots) {
        if (r.command().isEmpty()) {
            throw new RunbookException("a redis fact needs a command");
        }
        List<String> command = new ArrayList<>();
        for (Text t : r.command()) {
            command.add(roots.render(t, false));
        }
        String name = command.get(0).trim().toUpperCase(Locale.ROOT);
        if (!ReadOnly.REDIS_COMMANDS.contains(name)) {
            throw new RunbookException("redis command '" + command.get(0) + "' is refused: it is not one that only"
                    + " reads; a fact may send " + String.join(", ", new TreeSet<>(ReadOnly.REDIS_COMMANDS)));
        }
        Server server = server(roots.render(r.url(), false), timeout);
        List<String> args = command.subList(1, command.size());
        return Deadline.within(timeout.plusSeconds(1), "redis " + name + " on " + server.shown,
                () -> run(server, name, args, timeout));
    }

    /** Where to connect, and how it shows in messages (no password). */
    record Server(HostAndPort address, DefaultJedisClientConfig config, String shown) {
    }

    static Server server(String url, Duration timeout) {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new RunbookException("the redis url is not a url: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || u.getHost() == null) {
            throw new RunbookException("a redis url is redis://[:password@]host[:port][/db]");
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        int db = 0;
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+|/+$", "");
        if (!path.isEmpty()) {
            if (!path.matches("[0-9]{1,5}")) {
                throw new RunbookException("the redis url names database '" + path + "': a number is needed");
            }
            db = Integer.parseInt(path);
        }
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().connectionTimeoutMillis(ms)
                .socketTimeoutMillis(ms).database(db).ssl(scheme.equals("rediss"))
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        String userinfo = u.getUserInfo();
        if (userinfo != null && !userinfo.isEmpty()) {
            int colon = userinfo.indexOf(':');
            String user = colon < 0 ? "" : userinfo.substring(0, colon);
            String password = colon < 0 ? userinfo : userinfo.substring(colon + 1);
            if (!user.isEmpty()) {
                b.user(user);
            }
            if (!password.isEmpty()) {
                b.password(password);
            }
        }
        return new Server(new HostAndPort(u.getHost(), port), b.build(),
                scheme + "://" + u.getHost() + ":" + port + "/" + db);
    }

    private static Object run(Server server, String name, List<String> args, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Jedis jedis = new Jedis(server.address, server.config)) {
            switch (name) {
                case "SCAN":
                    return scanCount(jedis, args, deadline, timeout, server);
                case "KEYS": {
                    Object reply = send(jedis, name, args);
                    return reply instanceof List<?> l ? (long) l.size() : plain(reply);
                }
                case "INFO":
                    return info(String.valueOf(plain(send(jedis, name, args))));
                default:
                    return plain(send(jedis, name, args));
            }
        } catch (JedisDataException e) {
            throw new RunbookException("redis " + name + " on " + server.shown + " failed: " + e.getMessage());
        } catch (JedisException e) {
            throw new RunbookException("redis " + name + " on " + server.shown + ": " + why(e, timeout));
        }
    }

    private static Object send(Jedis jedis, String name, List<String> args) {
        Protocol.Command command = Protocol.Command.valueOf(name);
        return jedis.sendCommand(command, args.toArray(new String[0]));
    }

    /** SCAN over the whole cursor walk: the number of distinct keys met. */
    private static long scanCount(Jedis jedis, List<String> args, long deadline, Duration timeout, Server server) {
        List<String> options = new ArrayList<>(args);
        if (!options.isEmpty() && options.get(0).matches("[0-9]+")) {
            options.remove(0); // the cursor: the walk starts at 0 whatever it says
        }
        Set<String> keys = new HashSet<>();
        String cursor = "0";
        do {
            if (System.nanoTime() > deadline) {
                throw new RunbookException("redis SCAN on " + server.shown + " did not finish its walk within "
                        + Durations.format(timeout));
            }
            List<String> call = new ArrayList<>();
            call.add(cursor);
            call.addAll(options);
            Object reply = send(jedis, "SCAN", call);
            if (!(reply instanceof List<?> page) || page.size() != 2 || !(page.get(1) instanceof List<?> batch)) {
                throw new RunbookException("redis SCAN on " + server.shown + " gave an unexpected reply");
            }
            cursor = String.valueOf(plain(page.get(0)));
            for (Object k : batch) {
                keys.add(String.valueOf(plain(k)));
            }
        } while (!"0".equals(cursor));
        return keys.size();
    }

    /** INFO's text as a map: {@code key:value} lines, numbers as Long or Double; sections and blanks skipped. */
    static Map<String, Object> info(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String v = line.substring(colon + 1).trim();
            Object value = v;
            if (v.matches("-?[0-9]{1,18}")) {
                value = Long.parseLong(v);
            } else if (v.matches("-?[0-9]+\\.[0-9]+")) {
                value = Double.parseDouble(v);
            }
            out.put(line.substring(0, colon).trim(), value);
        }
        return out;
    }

    /** A reply as plain Java: byte strings as UTF-8 text, integers as Long, arrays as lists. */
    static Object plain(Object reply) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (reply instanceof Integer i) {
            return i.longValue();
        }
        if (reply instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(plain(o));
            }
            return out;
        }
        if (reply instanceof JedisDataException e) {
            throw e;
        }
        return reply;
    }

    private static String why(JedisException e, Duration timeout) {
        List<Throwable> all = new ArrayList<>();
        collectCauses(e, all);
        for (Throwable t : all) {
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + Durations.format(timeout) + " (" + t.getMessage() + ")";
            }
            if (t instanceof ConnectException) {
                return "cannot connect: connection refused (" + t.getMessage() + ")";
            }
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage();
        return message.startsWith("Failed to connect") ? "cannot connect: " + message : message;
    }

    /** An exception, its causes and what they suppressed. */
    private static void collectCauses(Throwable t, List<Throwable> into) {
        if (t == null || into.contains(t) || into.size() > 20) {
            return;
        }
        into.add(t);
        for (Throwable s : t.getSuppressed()) {
            collectCauses(s, into);
        }
        collectCauses(t.getCause(), into);
    }
}
