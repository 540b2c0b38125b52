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

    /** Words a command may hold and still need no shell: no quoting, expansion, redirection or control. */
    private static final java.util.regex.Pattern SIMPLE = java.util.regex.Pattern.compile("[A-Za-z0-9_./:,+@-]+([ \t]+[A-Za-z0-9_./:,+@-]+)*");
    /** Shell builtins and keywords with no program of the same name to run instead. */
    private static final java.util.Set<String> SHELL_ONLY = java.util.Set.of("cd", "exit", "export", "set", "unset",
            "shift", "source", ".", "eval", "exec", "read", "wait", "trap", "ulimit", "umask", "alias", "unalias",
            "return", "break", "continue", "times", "type", "hash", "command", "getopts", "local", "readonly", "if",
            "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function", "time");

    /**
     * The command line that runs {@code command}. One with no shell syntax at all (plain words, as {@code /bin/true}
     * or {@code systemctl restart app}) runs directly, as the shell would run it, one program start fewer; and the
     * command itself, not a shell around it, then dies with the runner.
     */
    static java.util.List<String> argv(String command) {
        String trimmed = command.strip();
        java.util.List<String> run;
        if (SIMPLE.matcher(trimmed).matches() && !SHELL_ONLY.contains(trimmed.split("[ \t]+")[0])) {
            run = java.util.List.of(trimmed.split("[ \t]+"));
        } else {
            run = java.util.List.of("/bin/sh", "-c", command);
        }
        if (!DIES_WITH_RUNNER) {
            return run;
        }
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        argv.addAll(run);
        return argv;
    }

    @Override
    public CommandResult run(String command, Duration timeout, OutputListener output) throws InterruptedException {
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(argv(command)).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new CommandResult(127, "", "cannot start the command: " + e.getMessage(), false, Duration.ZERO);
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
