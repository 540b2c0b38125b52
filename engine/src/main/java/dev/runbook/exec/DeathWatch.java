package dev.runbook.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Kills the commands of a runner that died. One small shell per runner process reads, on a pipe from the runner,
 * the pid of each command as it starts ({@code + PID}) and ends ({@code - PID}); when the pipe closes (the runner
 * ended, however it ended, SIGKILL included), it kills every command still listed and the processes they started.
 * A command left running behind a dead runner would finish a step the journal says did not finish, which a resume
 * would then run again. This costs two writes on a pipe per command, where a death signal set per command (as
 * {@code setpriv --pdeathsig}) costs a program start per command and spares the command's children.
 */
final class DeathWatch {

    /** The watcher: ignores the terminal's signals (the runner handles those), keeps the live pids, kills on EOF. */
    private static final String SCRIPT = """
            trap '' INT TERM HUP QUIT
            pids=' '
            while read -r op pid; do
              case $op$pid in
                +*) pids="$pids$pid " ;;
                -*) case $pids in *" $pid "*) pids="${pids%% $pid *} ${pids#* $pid }" ;; esac ;;
              esac
            done
            tree() { for c in $(pgrep -P "$1" 2>/dev/null); do tree "$c"; done; echo "$1"; }
            for pid in $pids; do kill -STOP "$pid" 2>/dev/null && kill -KILL $(tree "$pid") 2>/dev/null; done
            """;

    private static DeathWatch instance;

    private final Process process;
    private final OutputStream pipe;
    private boolean broken;

    private DeathWatch(Process process) {
        this.process = process;
        this.pipe = process.getOutputStream();
    }

    /** The runner's watcher, started on first use; null when it cannot start (commands then outlive a crash). */
    static synchronized DeathWatch get() {
        if (instance == null) {
            try {
                Process p = new ProcessBuilder("/bin/sh", "-c", SCRIPT)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                instance = new DeathWatch(p);
            } catch (IOException e) {
                return null;
            }
        }
        return instance;
    }

    /**
     * Ends the watcher, as the runner's end would (killing what is still listed), and waits for it: a JVM that
     * exits with a child still alive takes 0.3 s longer to go.
     */
    static synchronized void stop() {
        if (instance == null) {
            return;
        }
        try {
            instance.pipe.close();
            instance.process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            // it is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        instance = null;
    }

    /** The command started: kill it should the runner die before it ends. */
    void started(long pid) {
        send("+ " + pid + "\n");
    }

    /** The command ended (and was reaped): its pid may be reused, so forget it. */
    void ended(long pid) {
        send("- " + pid + "\n");
    }

    private synchronized void send(String line) {
        if (broken) {
            return;
        }
        try {
            pipe.write(line.getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            broken = true; // the watcher is gone (killed by hand): commands still run, unwatched
        }
    }
}
