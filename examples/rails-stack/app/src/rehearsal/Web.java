package rehearsal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The web server stand-in: a small HTTP/1.1 server (one thread per connection, Connection: close) with WebSocket. */
final class Web {
    static final long STARTED = System.nanoTime();
    static final String BEHAVIOUR = Conf.behaviour();
    static final long SLOW_AFTER = Long.parseLong(Conf.RELEASE.getOrDefault("SLOW_AFTER", Conf.env("SLOW_AFTER", "20")));
    static final String PREFIX = Conf.env("CACHE_PREFIX", "cache:");

    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
        String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    record Response(int status, String type, byte[] body) {
        static Response of(int status, String type, String body) {
            return new Response(status, type, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    static class HttpError extends Exception {
        final int status;
        HttpError(int status, String msg) { super(msg); this.status = status; }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Conf.env("PORT", "3000"));
        String bind = Conf.env("BIND", "127.0.0.1");
        ServerSocket server = new ServerSocket(port, 200, InetAddress.getByName(bind));
        Conf.info("Puma stand-in starting: release " + Conf.release() + ", behaviour " + BEHAVIOUR
                + (BEHAVIOUR.equals("slow") ? " (pages slow after " + SLOW_AFTER + "s)" : ""));
        Conf.info("* Listening on http://" + bind + ":" + port);
        while (true) {
            Socket s = server.accept();
            Thread t = new Thread(() -> serve(s), "conn");
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(Socket s) {
        long start = System.nanoTime();
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Request req = read(in);
            if (req == null) return;
            if (req.path.equals("/cable")) {
                cable(req, in, out, start);
                return;
            }
            Response res;
            try {
                res = route(req);
            } catch (HttpError e) {
                res = Response.of(e.status, "text/plain; charset=utf-8", e.getMessage() + "\n");
            } catch (Exception e) {
                Conf.error(e.getClass().getSimpleName() + " in " + req.method + " " + req.path + ": " + e.getMessage());
                res = Response.of(500, "text/plain; charset=utf-8", "Internal Server Error\n");
            }
            write(out, res, req.method.equals("HEAD"));
            Conf.info(String.format("%s %s -> %d (%d ms)", req.method, req.path + (req.query == null ? "" : "?" + req.query),
                    res.status, (System.nanoTime() - start) / 1_000_000));
        } catch (IOException e) {
            // client went away
        }
    }

    static Request read(InputStream in) throws IOException {
        String line = line(in);
        if (line == null || line.isEmpty()) return null;
        String[] p = line.split(" ");
        if (p.length < 3) throw new IOException("bad request line");
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = line(in)) != null && !h.isEmpty()) {
            int i = h.indexOf(':');
            if (i > 0) headers.put(h.substring(0, i).trim().toLowerCase(Locale.ROOT), h.substring(i + 1).trim());
        }
        byte[] body = new byte[0];
        String cl = headers.get("content-length");
        if (cl != null) body = in.readNBytes(Integer.parseInt(cl.trim()));
        String target = p[1];
        int q = target.indexOf('?');
        return new Request(p[0].toUpperCase(Locale.ROOT), q < 0 ? target : target.substring(0, q),
                q < 0 ? null : target.substring(q + 1), headers, body);
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
            if (b.size() > 16384) throw new IOException("line too long");
        }
        if (c < 0 && b.size() == 0) return null;
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, Response r, boolean head) throws IOException {
        String reason = switch (r.status) {
            case 200 -> "OK"; case 201 -> "Created"; case 401 -> "Unauthorized"; case 404 -> "Not Found";
            case 405 -> "Method Not Allowed"; case 422 -> "Unprocessable Entity"; case 500 -> "Internal Server Error";
            default -> "Status";
        };
        String hdr = "HTTP/1.1 " + r.status + " " + reason + "\r\nContent-Type: " + r.type + "\r\nContent-Length: "
                + r.body.length + "\r\nConnection: close\r\nX-Release: " + Conf.release() + "\r\n\r\n";
        out.write(hdr.getBytes(StandardCharsets.ISO_8859_1));
        if (!head) out.write(r.body);
        out.flush();
    }

    // ------------------------------------------------------------------------------------------------- routes

    static final Pattern CAMPAIGN = Pattern.compile("/campaigns/(\\d+)");

    static Response route(Request req) throws Exception {
        String m = req.method.equals("HEAD") ? "GET" : req.method;
        String path = req.path.length() > 1 && req.path.endsWith("/") ? req.path.substring(0, req.path.length() - 1) : req.path;
        if (m.equals("GET")) {
            switch (path) {
                case "/": return page("Agent Ops", "<p>release " + Conf.release() + "</p><ul><li><a href=\"/agents\">Agents</a></li><li><a href=\"/campaigns\">Campaigns</a></li><li><a href=\"/system_health\">System health</a></li></ul>");
                case "/version": return Response.of(200, "text/plain; charset=utf-8", Conf.release() + "\n");
                case "/system_health": return health();
                case "/agents": return agents();
                case "/campaigns": return campaigns();
                case "/campaigns/new": return page("New campaign", "<form action=\"/campaigns\" method=\"post\"><label>Name <input name=\"campaign[name]\"></label><label>Description <textarea name=\"campaign[description]\"></textarea></label><button type=\"submit\">Create campaign</button></form>");
                default:
                    Matcher c = CAMPAIGN.matcher(path);
                    if (c.matches()) return campaign(Long.parseLong(c.group(1)));
                    throw new HttpError(404, "Not Found");
            }
        }
        if (m.equals("POST") && path.equals("/campaigns")) return createCampaign(req);
        if (path.equals("/campaigns") || path.startsWith("/campaigns/") || path.equals("/agents")) throw new HttpError(405, "Method Not Allowed");
        throw new HttpError(404, "Not Found");
    }

    static Response page(String title, String body) {
        return Response.of(200, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>" + Conf.html(title)
                + "</title></head><body><h1>" + Conf.html(title) + "</h1>\n" + body + "\n</body></html>\n");
    }

    static boolean slowNow() {
        return BEHAVIOUR.equals("slow") && (System.nanoTime() - STARTED) / 1_000_000_000L >= SLOW_AFTER;
    }

    /** The slow behaviour: a 6 s statement (it also shows in PostgreSQL's slow-query log). */
    static void maybeSlow(Connection c) throws Exception {
        if (slowNow()) {
            try (Statement s = c.createStatement()) {
                s.execute("select pg_sleep(6)");
            }
        }
    }

    static void cache(String key, String value, int ttl) {
        try (Resp r = Resp.open()) {
            r.cmd("SET", PREFIX + key, value, "EX", Integer.toString(ttl));
        } catch (Exception e) {
            Conf.error("Rails.cache write failed for " + key + ": " + e.getMessage());
        }
    }

    static Response health() {
        Map<String, String> s = new LinkedHashMap<>();
        long agentsOnline = -1;
        try (Connection c = Conf.db(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select 1")) { rs.next(); }
            s.put("database", "healthy");
            try (ResultSet rs = st.executeQuery("select count(*) from agents where status = 'online'")) {
                rs.next();
                agentsOnline = rs.getLong(1);
            } catch (Exception e) {
                agentsOnline = -1;
            }
        } catch (Exception e) {
            s.put("database", "unhealthy");
            Conf.error("health: database: " + e.getMessage());
        }
        boolean sidekiq = false;
        try (Resp r = Resp.open()) {
            s.put("redis", "PONG".equals(r.cmd("PING")) ? "healthy" : "unhealthy");
            sidekiq = Long.valueOf(1).equals(r.cmd("EXISTS", "sidekiq:heartbeat"));
        } catch (Exception e) {
            s.put("redis", "unhealthy");
            Conf.error("health: redis: " + e.getMessage());
        }
        s.put("sidekiq", sidekiq ? "healthy" : "unhealthy");
        s.put("action_cable", "healthy");
        s.put("agents", BEHAVIOUR.equals("agents-offline") ? "offline" : agentsOnline > 0 ? "healthy" : agentsOnline == 0 ? "offline" : "unknown");
        boolean ok = s.values().stream().allMatch("healthy"::equals);
        StringBuilder b = new StringBuilder("{\"status\":\"" + (ok ? "ok" : "degraded") + "\",\"version\":" + Conf.json(Conf.release()) + ",\"services\":{");
        String sep = "";
        for (var e : s.entrySet()) {
            b.append(sep).append(Conf.json(e.getKey())).append(':').append(Conf.json(e.getValue()));
            sep = ",";
        }
        b.append("}}");
        cache("system_health", b.toString(), 300);
        return Response.of(200, "application/json", b + "\n");
    }

    static Response agents() throws Exception {
        StringBuilder b = new StringBuilder("<table class=\"agents\"><tr><th>Agent</th><th>Status</th></tr>\n");
        int total = 0, online = 0;
        try (Connection c = Conf.db()) {
            maybeSlow(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select id, name, status from agents order by id")) {
                while (rs.next()) {
                    total++;
                    if ("online".equals(rs.getString(3))) online++;
                    b.append("<tr><td>").append(Conf.html(rs.getString(2))).append("</td><td>").append(Conf.html(rs.getString(3))).append("</td></tr>\n");
                }
            }
        }
        b.append("</table>");
        cache("agent_metrics", "{\"total\":" + total + ",\"online\":" + online + "}", 3600);
        return page("Agents (" + online + "/" + total + " online)", b.toString());
    }

    static Response campaigns() throws Exception {
        StringBuilder b = new StringBuilder("<ul class=\"campaigns\">\n");
        try (Connection c = Conf.db()) {
            maybeSlow(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "select c.id, c.name, count(t.id), count(t.id) filter (where t.status = 'done') from campaigns c "
                            + "left join tasks t on t.campaign_id = c.id group by c.id, c.name order by c.id")) {
                while (rs.next()) {
                    long id = rs.getLong(1), total = rs.getLong(3), done = rs.getLong(4);
                    long eta = (total - done) * 90;
                    cache("campaign_eta/" + id, "{\"remaining_tasks\":" + (total - done) + ",\"eta_seconds\":" + eta + "}", 3600);
                    b.append("<li><a href=\"/campaigns/").append(id).append("\">").append(Conf.html(rs.getString(2)))
                            .append("</a> ").append(done).append('/').append(total).append(" tasks done</li>\n");
                }
            }
        }
        return page("Campaigns", b.append("</ul><p><a href=\"/campaigns/new\">New campaign</a></p>").toString());
    }

    static Response campaign(long id) throws Exception {
        try (Connection c = Conf.db(); PreparedStatement ps = c.prepareStatement(
                "select c.name, coalesce(c.description, ''), count(t.id), count(t.id) filter (where t.status = 'done') from campaigns c "
                        + "left join tasks t on t.campaign_id = c.id where c.id = ? group by c.id")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new HttpError(404, "Not Found");
                long total = rs.getLong(3), done = rs.getLong(4);
                long pct = total == 0 ? 0 : done * 100 / total;
                return page(rs.getString(1), "<p>" + Conf.html(rs.getString(2)) + "</p>\n<div class=\"progress\"><progress value=\""
                        + pct + "\" max=\"100\"></progress> " + pct + "% (" + done + " of " + total + " tasks done)</div>");
            }
        }
    }

    static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern DESC = Pattern.compile("\"description\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Response createCampaign(Request req) throws Exception {
        String token = Conf.env("SMOKE_TOKEN", "");
        String auth = req.header("authorization");
        if (token.isEmpty() || auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + token).getBytes(StandardCharsets.UTF_8))) {
            return Response.of(401, "application/json", "{\"error\":\"unauthorized\"}\n");
        }
        String body = new String(req.body, StandardCharsets.UTF_8);
        Matcher n = NAME.matcher(body);
        if (!body.contains("\"campaign\"") || !n.find()) {
            return Response.of(422, "application/json", "{\"error\":\"campaign.name is required\"}\n");
        }
        String name = unescape(n.group(1));
        Matcher d = DESC.matcher(body);
        String desc = d.find() ? unescape(d.group(1)) : null;
        try (Connection c = Conf.db(); PreparedStatement ps = c.prepareStatement(
                "insert into campaigns (name, description) values (?, ?) returning id")) {
            ps.setString(1, name);
            ps.setString(2, desc);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Response.of(201, "application/json", "{\"id\":" + rs.getLong(1) + ",\"name\":" + Conf.json(name) + "}\n");
            }
        }
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'u' -> { if (i + 4 < s.length()) { b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; } }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------------- Action Cable

    static void cable(Request req, InputStream in, OutputStream out, long start) throws IOException {
        String upgrade = req.header("upgrade"), connection = req.header("connection"), key = req.header("sec-websocket-key");
        if (!req.method.equals("GET") || upgrade == null || !upgrade.equalsIgnoreCase("websocket") || connection == null
                || !connection.toLowerCase(Locale.ROOT).contains("upgrade") || key == null) {
            Conf.error("Failed to upgrade to WebSocket (REQUEST_METHOD: " + req.method + ", HTTP_CONNECTION: "
                    + (connection == null ? "" : connection) + ", HTTP_UPGRADE: " + (upgrade == null ? "" : upgrade) + ")");
            write(out, Response.of(404, "text/plain", "Page not found\n"), false);
            return;
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
        } catch (Exception e) {
            throw new IOException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Conf.info("Started GET \"/cable\" [WebSocket]");
        Conf.info("Successfully upgraded to WebSocket (REQUEST_METHOD: GET, HTTP_CONNECTION: " + connection + ", HTTP_UPGRADE: " + upgrade + ")");
        frame(out, 0x1, "{\"type\":\"welcome\"}".getBytes(StandardCharsets.UTF_8));
        try {
            cableLoop(in, out);
        } catch (IOException e) {
            // connection gone
        }
        Conf.info("Finished \"/cable\" [WebSocket] (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
    }

    static void cableLoop(InputStream in, OutputStream out) throws IOException {
        long lastPing = System.currentTimeMillis();
        while (true) {
            if (System.currentTimeMillis() - lastPing >= 3000) {
                frame(out, 0x1, ("{\"type\":\"ping\",\"message\":" + System.currentTimeMillis() / 1000 + "}").getBytes(StandardCharsets.UTF_8));
                lastPing = System.currentTimeMillis();
            }
            if (in.available() == 0) {
                try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                continue;
            }
            int b0 = in.read(), b1 = in.read();
            if (b0 < 0 || b1 < 0) return;
            int op = b0 & 0x0f;
            long len = b1 & 0x7f;
            if (len == 126) len = (in.read() << 8) | in.read();
            else if (len == 127) { len = 0; for (int i = 0; i < 8; i++) len = (len << 8) | in.read(); }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            if (len > 1 << 20) return;
            byte[] data = in.readNBytes((int) len);
            if (mask != null) for (int i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
            switch (op) {
                case 0x8 -> { frame(out, 0x8, data.length >= 2 ? new byte[] {data[0], data[1]} : new byte[0]); return; }
                case 0x9 -> frame(out, 0xA, data);
                case 0x1 -> {
                    String msg = new String(data, StandardCharsets.UTF_8);
                    if (msg.contains("\"subscribe\"")) {
                        Matcher id = Pattern.compile("\"identifier\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(msg);
                        frame(out, 0x1, ("{\"identifier\":" + (id.find() ? id.group(1) : "\"\"") + ",\"type\":\"confirm_subscription\"}").getBytes(StandardCharsets.UTF_8));
                    }
                }
                default -> { }
            }
        }
    }

    static synchronized void frame(OutputStream out, int op, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80 | op);
        if (data.length < 126) b.write(data.length);
        else if (data.length < 65536) { b.write(126); b.write(data.length >> 8); b.write(data.length & 0xff); }
        else { b.write(127); for (int i = 7; i >= 0; i--) b.write((int) ((long) data.length >> (8 * i)) & 0xff); }
        b.write(data);
        out.write(b.toByteArray());
        out.flush();
    }

    private Web() {}
}
