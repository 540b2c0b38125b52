package rehearsal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** The Sidekiq stand-in: a heartbeat and a processed counter every second, a periodic job against the database. */
final class Worker {
    public static void main(String[] args) throws Exception {
        Conf.info("Booting Sidekiq stand-in " + Conf.release() + " (behaviour " + Conf.behaviour() + ")");
        Resp r = null;
        long tick = 0;
        while (true) {
            try {
                if (r == null) {
                    r = Resp.open();
                    r.cmd("SETNX", "stat:failed", "0");
                    r.cmd("SETNX", "stat:processed", "0");
                    Conf.info("Sidekiq stand-in connected to Redis");
                }
                r.cmd("SET", "sidekiq:heartbeat", Long.toString(System.currentTimeMillis() / 1000), "EX", "10");
                r.cmd("INCR", "stat:processed");
                if (tick % 30 == 0) {
                    try (Connection c = Conf.db(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("select count(*) from agents")) {
                        rs.next();
                        Conf.info("AgentMetricsJob done: " + rs.getLong(1) + " agents");
                    } catch (Exception e) {
                        Conf.info("AgentMetricsJob skipped: " + e.getMessage().replace("ERROR", "error"));
                    }
                }
            } catch (Exception e) {
                Conf.error("Sidekiq stand-in: " + e);
                if (r != null) try { r.close(); } catch (Exception ignored) {}
                r = null;
            }
            tick++;
            Thread.sleep(1000);
        }
    }

    private Worker() {}
}
