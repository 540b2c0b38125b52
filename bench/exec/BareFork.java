import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The floor of bench/exec.sh's per-step cost: how long this JVM takes to fork/exec /bin/true and wait for
 * it, timed inside the program (JVM start-up is not in it). For each variant, 2 untimed calls first (they
 * load the process classes, as a runbook's first step does), then N timed calls:
 *
 *   bare      new ProcessBuilder("/bin/true").start().waitFor()           the floor the aim is against
 *   sh        ProcessBuilder("/bin/sh", "-c", "/bin/true")                a command with shell syntax runs so
 *   asexec    what the engine's LocalExecutor does per command: /bin/true run directly (plain words need no
 *             shell), stdin from /dev/null, stdout and stderr each read line by line on a thread of its own,
 *             and the pid written to the runner's death watch (one long-lived sh reading a pipe: "+ PID" when
 *             the command starts, "- PID" when it ends), so that the command dies with a killed runner
 *
 *   java bench/exec/BareFork.java [N [VARIANT...]]     prints "variant  mean_us_per_call" lines
 *   java -cp DIR BareFork loop N                         runs "bare" N times and exits, timing nothing: bench/exec.sh
 *                                                        times it from outside, as it times runbook (N = 100 and 1)
 */
public final class BareFork {

    interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("loop")) {
            for (int i = Integer.parseInt(args[1]); i > 0; i--) {
                new ProcessBuilder("/bin/true").start().waitFor();
            }
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("bare", "sh", "asexec");
        Process watch = new ProcessBuilder("/bin/sh", "-c", "while read -r op pid; do :; done")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        OutputStream pipe = watch.getOutputStream();
        for (String v : only) {
            Call c = switch (v) {
                case "bare" -> () -> new ProcessBuilder("/bin/true").start().waitFor();
                case "sh" -> () -> new ProcessBuilder("/bin/sh", "-c", "/bin/true").start().waitFor();
                case "asexec" -> () -> {
                    Process p = new ProcessBuilder("/bin/true")
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                    send(pipe, "+ " + p.pid() + "\n");
                    Thread out = drain(p.getInputStream(), "stdout");
                    Thread err = drain(p.getErrorStream(), "stderr");
                    p.waitFor();
                    send(pipe, "- " + p.pid() + "\n");
                    out.join(2000);
                    err.join(2000);
                    p.exitValue();
                };
                default -> throw new IllegalArgumentException("no variant " + v);
            };
            time(v, c, n);
        }
        pipe.close();
        watch.waitFor();
    }

    static void send(OutputStream pipe, String line) throws IOException {
        pipe.write(line.getBytes(StandardCharsets.US_ASCII));
        pipe.flush();
    }

    static Thread drain(InputStream in, String name) {
        Thread t = new Thread(() -> {
            StringBuilder kept = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    kept.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void time(String name, Call c, int n) throws Exception {
        c.run();
        c.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            c.run();
        }
        System.out.printf("%-8s %6d%n", name, (System.nanoTime() - t0) / 1000 / n);
    }
}
