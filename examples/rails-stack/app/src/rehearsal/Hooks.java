package rehearsal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SaaS stand-in the runbook calls, run on the host: GitHub (commit status, issue search), the support desk's
 * search count API, and webhooks that record every body they receive under DIR/hooks/NNNN-NAME.json.
 *   java -cp app.jar rehearsal.Main hooks PORT DIR
 * Tokens (optional): CI_TOKEN for /github, SUPPORT_TOKEN for /support (Authorization: Bearer ...).
 */
final class Hooks {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: hooks PORT DIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        AtomicInteger seq = new AtomicInteger();
        try (var s = Files.list(dir)) { seq.set((int) s.count()); }
        String ci = System.getenv("CI_TOKEN"), support = System.getenv("SUPPORT_TOKEN");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getRawPath();
                String query = ex.getRequestURI().getRawQuery() == null ? "" : URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
                byte[] body = ex.getRequestBody().readAllBytes();
                int status;
                String out;
                if (path.startsWith("/github/") && !authorized(ex, ci)) {
                    status = 401; out = "{\"message\":\"Bad credentials\"}";
                } else if (path.startsWith("/support/") && !authorized(ex, support)) {
                    status = 401; out = "{\"error\":\"Couldn't authenticate you\"}";
                } else if (ex.getRequestMethod().equals("GET") && path.matches("/github/repos/[^/]+/[^/]+/commits/[^/]+/status")) {
                    String sha = path.replaceAll(".*/commits/([^/]+)/status", "$1");
                    status = 200; out = "{\"state\":\"success\",\"sha\":" + Conf.json(sha) + ",\"total_count\":1,\"statuses\":[{\"state\":\"success\",\"context\":\"ci/integration\"}]}";
                } else if (ex.getRequestMethod().equals("GET") && path.equals("/github/search/issues")) {
                    status = 200; out = "{\"total_count\":0,\"incomplete_results\":false,\"items\":[]}";
                } else if (ex.getRequestMethod().equals("GET") && path.equals("/support/api/v2/search/count.json")) {
                    int n = query.contains("satisfaction:good") ? 3 : query.contains("satisfaction:bad") ? 0
                            : query.contains("tags:troubleshooting") ? 2 : 0;
                    status = 200; out = "{\"count\":" + n + "}";
                } else if (ex.getRequestMethod().equals("POST") && path.startsWith("/hooks/")) {
                    String name = path.substring("/hooks/".length()).replaceAll("[^A-Za-z0-9_-]", "_");
                    Path f = dir.resolve(String.format("%04d-%s.json", seq.incrementAndGet(), name.isEmpty() ? "hook" : name));
                    Files.write(f, body, StandardOpenOption.CREATE_NEW);
                    status = 200; out = "{\"ok\":true}";
                } else {
                    status = 404; out = "{\"message\":\"Not Found\"}";
                }
                System.out.println(Instant.now() + " " + ex.getRequestMethod() + " " + ex.getRequestURI() + " -> " + status);
                System.out.flush();
                byte[] b = (out + "\n").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, b.length);
                try (OutputStream o = ex.getResponseBody()) { o.write(b); }
            } catch (IOException e) {
                System.out.println("hooks: " + e);
            }
        });
        server.start();
        System.out.println("hooks listening on 127.0.0.1:" + port + ", recording to " + dir);
    }

    static boolean authorized(HttpExchange ex, String token) {
        if (token == null || token.isEmpty()) return true;
        String a = ex.getRequestHeaders().getFirst("Authorization");
        return a != null && (a.equals("Bearer " + token) || a.equals("token " + token));
    }

    private Hooks() {}
}
