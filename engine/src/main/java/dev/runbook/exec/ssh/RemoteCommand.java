package dev.runbook.exec.ssh;

import dev.runbook.expr.ShellQuote;
import java.util.Map;

/**
 * The shell text sent to the remote side: the command wrapped so its process id is known (the first line of
 * stdout), and the script that kills a command and everything it started.
 */
final class RemoteCommand {

    /** The line that carries the command's process id, ahead of its own output. */
    static final String PID_MARK = "runbook-pid:";

    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6,
            "KILL", 9, "SEGV", 11, "PIPE", 13, "ALRM", 14, "TERM", 15);

    private RemoteCommand() {
    }

    /**
     * {@code command} run by {@code /bin/sh -c} with stdin from /dev/null, after a line with the process id of the
     * shell around it: the one sshd started, which OpenSSH made a process group leader. Beside the command, a
     * watcher reads the channel's stdin, which the runner never writes nor closes: when it ends, the connection is
     * gone (the runner was killed, or the network dropped), and the watcher kills the command's process group, so
     * that no step goes on running on a host behind the journal's back. A command that ends stops its watcher.
     */
    static String wrap(String command) {
        // plain words run without a shell of their own (one program start fewer), split as a shell would split them
        String run = dev.runbook.exec.LocalExecutor.plainWords(command) ? "set -f; $1" : "/bin/sh -c \"$1\"";
        return "exec /bin/sh -c 'echo " + PID_MARK + "$$; exec 3<&0; "
                + "(while read -r l; do :; done; kill -s KILL -- -$$ 2>/dev/null || kill -s KILL $$) <&3 >/dev/null 2>&1 & "
                + "w=$!; " + run + " </dev/null 3<&-; r=$?; kill $w 2>/dev/null; exit $r' runbook-step "
                + ShellQuote.quote(command);
    }

    /**
     * Stops process {@code pid}, its process group and every descendant: TERM, up to two seconds to go, then KILL.
     * The descendants are collected first, with {@code ps}, so children that left the group or lost their parent
     * in the meantime are still found; the group kill covers hosts without {@code ps}.
     */
    static String kill(long pid) {
        return "p=" + pid + "\n"
                + "t=$(ps -A -o pid= -o ppid= 2>/dev/null | awk -v r=$p '{ up[$1] = $2 } END { for (x in up) {"
                + " y = x; n = 0; while (y != r && (y in up) && y > 1 && n++ < 64) y = up[y]; if (y == r) printf \"%s \", x } }')\n"
                + "[ -n \"$t\" ] || t=$p\n"
                + "kill -s TERM -- -$p 2>/dev/null; kill -s TERM $t 2>/dev/null\n"
                + "i=0\n"
                + "while [ $i -lt 20 ]; do\n"
                + "  a=; for x in $t; do kill -0 $x 2>/dev/null && a=1; done\n"
                + "  [ -n \"$a\" ] || exit 0\n"
                + "  sleep 0.1 2>/dev/null || sleep 1; i=$((i+1))\n"
                + "done\n"
                + "kill -s KILL -- -$p 2>/dev/null; kill -s KILL $t 2>/dev/null; exit 0\n";
    }

    /** The exit code a shell reports for a process ended by the signal SSH names: 128 plus its number. */
    static int signalled(String signal) {
        Integer n = SIGNALS.get(signal);
        return 128 + (n == null ? 0 : n);
    }
}
