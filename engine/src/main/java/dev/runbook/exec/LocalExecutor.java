package dev.runbook.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine, each as {@code /bin/sh -c COMMAND} (or directly, when it needs no shell). A
 * command dies with the runner ({@link DeathWatch}): a runner killed mid-step leaves no command behind to finish a
 * step that the journal says did not finish (and that a resume runs again).
 */
public final class LocalExecutor implements Executor {

    private static final Duration GRACE = Duration.ofSeconds(2);

    /** Words a command may hold and still need no shell: no quoting, expansion, redirection or control. */
    private static final java.util.regex.Pattern SIMPLE = java.util.regex.Pattern.compile("[A-Za-z0-9_./:,+@-]+([ \t]+[A-Za-z0-9_./:,+@-]+)*");
    /** Shell builtins and keywords with no program of the same name to run instead. */
    private static final java.util.Set<String> SHELL_ONLY = java.util.Set.of("cd", "exit", "export", "set", "unset",
            "shift", "source", ".", "eval", "exec", "read", "wait", "trap", "ulimit", "umask", "alias", "unalias",
            "return", "break", "continue", "times", "type", "hash", "command", "getopts", "local", "readonly", "if",
            "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function", "time");

    /**
     * The command line that runs {@code command}. One with no shell syntax at all (plain words, as {@code /bin/true}
     * or {@code systemctl restart app}) runs directly, as the shell would run it, one program start fewer.
     */
    static java.util.List<String> argv(String command) {
        return plainWords(command) ? java.util.List.of(command.strip().split("[ \t]+"))
                : java.util.List.of("/bin/sh", "-c", command);
    }

    /**
     * Whether a command is plain words (a program and its arguments, no quoting, expansion, redirection, control or
     * shell builtin), which runs the same with or without a shell around it.
     */
    public static boolean plainWords(String command) {
        String trimmed = command.strip();
        return SIMPLE.matcher(trimmed).matches() && !SHELL_ONLY.contains(trimmed.split("[ \t]+")[0]);
    }

    @Override
    public CommandResult run(String command, Duration timeout, OutputListener output) throws InterruptedException {
        long start = System.nanoTime();
        DeathWatch watch = DeathWatch.get();
        Process p;
        try {
            p = new ProcessBuilder(argv(command)).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new CommandResult(127, "", "cannot start the command: " + e.getMessage(), false, Duration.ZERO);
        }
        if (watch != null) {
            watch.started(p.pid());
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
        } finally {
            if (watch != null && !p.isAlive()) {
                watch.ended(p.pid());
            }
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

    /** Ends the watch over this process's commands (see {@link DeathWatch}); for the end of the process. */
    public static void stopWatching() {
        DeathWatch.stop();
    }

    @Override
    public void upload(java.nio.file.Path local, String remote, String mode) {
        copy(local, java.nio.file.Path.of(remote), mode);
    }

    @Override
    public void download(String remote, java.nio.file.Path local) {
        copy(java.nio.file.Path.of(remote), local, null);
    }

    /** Copies beside the destination, sets the mode, then renames over it: a reader sees the old file or the new. */
    static void copy(java.nio.file.Path from, java.nio.file.Path to, String mode) {
        java.nio.file.Path dir = to.toAbsolutePath().getParent();
        java.nio.file.Path tmp = dir.resolve("." + to.getFileName() + ".runbook-" + ProcessHandle.current().pid());
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (mode != null) {
                java.nio.file.Files.setPosixFilePermissions(tmp, permissions(mode));
            }
            java.nio.file.Files.move(tmp, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                java.nio.file.Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the copy failed already: that is the error to report
            }
            throw new dev.runbook.diag.RunbookException("cannot copy " + from + " to " + to + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file " + e.getMessage() : e.toString()));
        }
    }

    /** {@code 0640} as permissions (the setuid, setgid and sticky digit is not applied). */
    static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(String octal) {
        int m = Integer.parseInt(octal, 8);
        StringBuilder sb = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return java.nio.file.attribute.PosixFilePermissions.fromString(sb.toString());
    }

    @Override
    public String host() {
        return "localhost";
    }
}
