package dev.runbook.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine, each as {@code /bin/sh -c COMMAND}. Where util-linux's {@code setpriv} is there
 * (every Debian), the shell gets SIGKILL when the runner dies: a runner killed mid-step leaves no command behind to
 * finish a step that the journal says did not finish (and that a resume runs again).
 */
public final class LocalExecutor implements Executor {

    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final String SETPRIV = "/usr/bin/setpriv";
    private static final boolean DIES_WITH_RUNNER = java.nio.file.Files.isExecutable(java.nio.file.Path.of(SETPRIV));

    /** The command line that runs {@code command}. */
    static java.util.List<String> argv(String command) {
        return DIES_WITH_RUNNER ? java.util.List.of(SETPRIV, "--pdeathsig", "KILL", "--", "/bin/sh", "-c", command)
                : java.util.List.of("/bin/sh", "-c", command);
    }

    @Override
    public CommandResult run(String command, Duration timeout, OutputListener output) throws InterruptedException {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv(command)).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new CommandResult(127, "", "cannot start /bin/sh: " + e.getMessage(), false, Duration.ZERO);
        }
        OutputCapture out = new OutputCapture(p.getInputStream(), false, output);
        OutputCapture err = new OutputCapture(p.getErrorStream(), true, output);
        out.start();
        err.start();
        boolean timedOut = false;
        try {
            if (timeout == null) {
                p.waitFor();
            } else if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(p);
            }
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        out.join(GRACE.toMillis());
        err.join(GRACE.toMillis());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new CommandResult(timedOut ? -1 : p.exitValue(), out.text(), err.text(), timedOut, elapsed);
    }

    /** Kills the process and every process it started: politely first, then for good. */
    static void kill(Process p) {
        var tree = new java.util.ArrayList<ProcessHandle>();
        p.descendants().forEach(tree::add);
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    @Override
    public String host() {
        return "localhost";
    }
}
