package rehearsal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal Redis (RESP2) client: enough for PING, SET, EXISTS, INCR, ZADD, SELECT. */
final class Resp implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Resp(String url) throws IOException {
        URI u = URI.create(url);
        socket = new Socket();
        socket.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 3000);
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        if (u.getUserInfo() != null && u.getUserInfo().contains(":")) {
            String pw = u.getUserInfo().substring(u.getUserInfo().indexOf(':') + 1);
            if (!pw.isEmpty()) cmd("AUTH", pw);
        }
        String path = u.getPath() == null ? "" : u.getPath().replace("/", "");
        if (!path.isEmpty() && !path.equals("0")) cmd("SELECT", path);
    }

    static Resp open() throws IOException { return new Resp(Conf.need("REDIS_URL")); }

    Object cmd(String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            b.write(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(v);
            b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        int t = in.read();
        if (t < 0) throw new IOException("redis closed the connection");
        String line = line();
        switch (t) {
            case '+': return line;
            case '-': throw new IOException("redis: " + line);
            case ':': return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                byte[] v = in.readNBytes(n + 2);
                return new String(v, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) return null;
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) l.add(read());
                return l;
            }
            default: throw new IOException("redis: unexpected reply type " + (char) t);
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') { in.read(); break; }
            s.append((char) c);
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException { socket.close(); }
}
