package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import dev.runbook.exec.CommandResult;
import dev.runbook.exec.Executor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in a running container with {@code docker exec}. The engine cannot kill an exec'd process, so the
 * command runs under a wrapper that first prints its process id; on a timeout or an interrupt a second exec kills
 * that process and every process it started.
 */
final class ContainerExec {

    static final String PID_MARK = "runbook-pid:";

    private static final String WRAPPER = "echo " + PID_MARK + "$$; exec /bin/sh -c \"$1\" </dev/null";

    /**
     * Collects the process and its descendants from /proc (no ps or awk needed in the image), sends TERM, gives
     * them two seconds, then KILL.
     */
    private static final String KILL = "t=$1; n=0\n"
            + "while [ $n -lt 16 ]; do\n"
            + "  a=\n"
            + "  for s in /proc/[0-9]*/stat; do\n"
            + "    read -r x c st pp r < \"$s\" 2>/dev/null || continue\n"
            + "    case \" $t \" in *\" $pp \"*) case \" $t $a \" in *\" $x \"*) ;; *) a=\"$a $x\";; esac;; esac\n"
            + "  done\n"
            + "  [ -n \"$a\" ] || break\n"
            + "  t=\"$t$a\"; n=$((n+1))\n"
            + "done\n"
            + "kill -s TERM $t 2>/dev/null\n"
            + "i=0\n"
            + "while [ $i -lt 20 ]; do\n"
            + "  a=; for x in $t; do kill -0 $x 2>/dev/null && a=1; done\n"
            + "  [ -n \"$a\" ] || exit 0\n"
            + "  sleep 0.1 2>/dev/null || sleep 1 2>/dev/null; i=$((i+1))\n"
            + "done\n"
            + "kill -s KILL $t 2>/dev/null; exit 0\n";

    private final DockerClient client;
    private final String url;

    ContainerExec(DockerClient client, String url) {
        this.client = client;
        this.url = url;
    }

    CommandResult run(String containerId, String name, String command, Duration timeout, Executor.OutputListener out)
            throws InterruptedException {
        long started = System.nanoTime();
        String execId;
        try {
            execId = client.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true)
                    .withCmd("/bin/sh", "-c", WRAPPER, "runbook-step", command).exec().getId();
        } catch (RuntimeException e) {
            throw Failures.of(url, "running a command in container " + name, e);
        }
        CompletableFuture<Long> pid = new CompletableFuture<>();
        FrameLines lines = new FrameLines(out, line -> pidLine(pid, line));
        boolean timedOut = false;
        try {
            client.execStartCmd(execId).exec(lines);
            if (timeout == null) {
                lines.awaitCompletion();
            } else if (!lines.awaitCompletion(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(containerId, pid);
                lines.awaitCompletion(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.interrupted();
            kill(containerId, pid);
            lines.closeQuietly();
            throw e;
        } catch (RuntimeException e) {
            lines.closeQuietly();
            throw Failures.of(url, "running a command in container " + name, e);
        }
        lines.closeQuietly();
        int code = timedOut ? -1 : exitCode(execId, name);
        return new CommandResult(code, lines.text(false), lines.text(true), timedOut,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private int exitCode(String execId, String name) throws InterruptedException {
        try {
            for (int i = 0; ; i++) {
                InspectExecResponse r = client.inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(r.isRunning()) && r.getExitCodeLong() != null) {
                    return r.getExitCodeLong().intValue();
                }
                if (i >= 200) {
                    throw new DockerException("Docker engine at " + url + " did not report how the command in container "
                            + name + " ended; check the engine's health (docker info)");
                }
                Thread.sleep(10);
            }
        } catch (RuntimeException e) {
            throw Failures.of(url, "reading how a command in container " + name + " ended", e);
        }
    }

    private static boolean pidLine(CompletableFuture<Long> pid, String line) {
        if (pid.isDone() || !line.startsWith(PID_MARK)) {
            return false;
        }
        try {
            pid.complete(Long.parseLong(line.substring(PID_MARK.length()).strip()));
        } catch (NumberFormatException e) {
            pid.complete(-1L);
        }
        return true;
    }

    /** Kills the wrapped command (waiting a little for its pid, which it reports first), best effort. */
    private void kill(String containerId, CompletableFuture<Long> pid) {
        long p;
        try {
            p = pid.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            p = -1;
        }
        if (p <= 1) {
            return;
        }
        FrameLines ignored = new FrameLines(Executor.OutputListener.NONE);
        try {
            String id = client.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true)
                    .withCmd("/bin/sh", "-c", KILL, "runbook-kill", Long.toString(p)).exec().getId();
            client.execStartCmd(id).exec(ignored).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // the container is gone, or the engine: so is the command
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ignored.closeQuietly();
        }
    }
}
