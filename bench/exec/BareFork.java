import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The floor of bench/exec.sh's per-step cost: how long this JVM takes to fork/exec /bin/true and wait for
 * it, timed inside the program (JVM start-up is not in it). For each variant, 2 untimed calls first (they
 * load the process classes, as a runbook's first step does), then N timed calls:
 *
 *   bare      new ProcessBuilder("/bin/true").start().waitFor()           the floor the aim is against
 *   sh        ProcessBuilder("/bin/sh", "-c", "/bin/true")                runbook runs commands through sh
 *   setpriv   ProcessBuilder("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/sh", "-c", "/bin/true")
 *             (the engine's LocalExecutor wraps sh so where setpriv is installed: the command dies with
 *             the runner)
 *   asexec    the engine's command line (setpriv when installed) with stdin from /dev/null, and stdout and
 *             stderr each read line by line on a thread of its own: what LocalExecutor does per command
 *
 *   java bench/exec/BareFork.java [N [VARIANT...]]     prints "variant  mean_us_per_call" lines
 */
public final class BareFork {

    interface Call {
        void run() throws Exception;
    }

    static final String SETPRIV = "/usr/bin/setpriv";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        List<String> only = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of("bare", "sh", "setpriv", "asexec");
        List<String> engineArgv = Files.isExecutable(Path.of(SETPRIV))
                ? List.of(SETPRIV, "--pdeathsig", "KILL", "--", "/bin/sh", "-c", "/bin/true")
                : List.of("/bin/sh", "-c", "/bin/true");
        for (String v : only) {
            Call c = switch (v) {
                case "bare" -> () -> new ProcessBuilder("/bin/true").start().waitFor();
                case "sh" -> () -> new ProcessBuilder("/bin/sh", "-c", "/bin/true").start().waitFor();
                case "setpriv" -> () -> new ProcessBuilder(SETPRIV, "--pdeathsig", "KILL", "--", "/bin/sh", "-c",
                        "/bin/true").start().waitFor();
                case "asexec" -> () -> {
                    Process p = new ProcessBuilder(engineArgv)
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                    Thread out = drain(p.getInputStream(), "stdout");
                    Thread err = drain(p.getErrorStream(), "stderr");
                    p.waitFor();
                    out.join(2000);
                    err.join(2000);
                    p.exitValue();
                };
                default -> throw new IllegalArgumentException("no variant " + v);
            };
            time(v, c, n);
        }
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
