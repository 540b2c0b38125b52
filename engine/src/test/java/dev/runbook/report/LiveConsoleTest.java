package dev.runbook.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.journal.Event;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees: the live view on a terminal (colours, the status line of the running step redrawn in
 * place, fleet progress, a progress bar for a wait) and the plain view in a pipe, line for line as before.
 */
class LiveConsoleTest {

    static final String ESC = "\033[";

    private final List<Event> events = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);

    private void event(String type, String step, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        events.add(new Event(events.size() + 1, Instant.EPOCH, "r1", type, step, data));
    }

    private List<Event> aRun() {
        event("run.started", null, "runbook", "deploy");
        event("step.started", "build", "kind", "run", "name", "Build it", "target", "local");
        event("step.output", "build", "line", "compiling");
        event("step.finished", "build", "status", "ok", "duration_ms", 1200, "attempts", 1);
        event("step.started", "roll", "kind", "run", "target", "web", "hosts", 3, "serial", "1");
        event("rollout.batch", null, "target", "web", "batch", 2, "of", 3, "hosts", List.of("b"), "steps",
                List.of("roll"));
        event("step.host", "roll", "host", "a", "status", "ok", "duration_ms", 10, "attempts", 1);
        event("step.host", "roll", "host", "b", "status", "failed", "duration_ms", 10, "attempts", 1, "error",
                "exit 1");
        return events;
    }

    private void finish(String status) {
        event("step.finished", "roll", "status", status, "duration_ms", 30, "attempts", 1);
        event("step.started", "notes", "kind", "run", "target", "local");
        event("step.finished", "notes", "status", "skipped", "duration_ms", 0, "attempts", 0);
        event("run.finished", null, "status", "rolled_back", "message", "roll failed");
    }

    @Test
    void onATerminalLinesAreColouredAndTheRunningStepIsRedrawnInPlace() {
        StringWriter s = new StringWriter();
        LiveConsole live = new LiveConsole(new PrintWriter(s), false, false, now::get, 100, false);
        aRun().forEach(live::accept);
        now.addAndGet(4_200);
        live.redraw();
        String screen = s.toString();

        assertThat(screen).contains("  -> " + ESC + "1mbuild" + ESC + "0m — Build it [run on local]\n",
                "     | compiling\n",
                "  " + ESC + "32m[ok]     " + ESC + "0m " + ESC + "1mbuild" + ESC + "0m ok in 1.2s\n",
                "     " + ESC + "31m[FAILED] " + ESC + "0m " + ESC + "1mroll" + ESC + "0m on b failed in 10ms: "
                        + "exit 1\n");
        // the status line: cleared before the next line is printed, never followed by a newline of its own
        String status = screen.substring(screen.lastIndexOf("\r" + ESC + "2K"));
        assertThat(status).contains(ESC + "1mroll" + ESC + "0m", "4.2s",
                "web: 2/3 hosts done, 1 failed (batch 2/3)").doesNotContain("\n");

        int from = events.size();
        finish("failed");
        events.subList(from, events.size()).forEach(live::accept);
        String end = s.toString().substring(screen.length());
        assertThat(end).startsWith("\r" + ESC + "2K").contains(
                "  " + ESC + "33m[skipped]" + ESC + "0m " + ESC + "1mnotes" + ESC + "0m skipped in 0ms\n",
                "  step   status     time\n",
                "  " + ESC + "1mbuild" + ESC + "0m  " + ESC + "32mok       " + ESC + "0m  1.2s\n",
                "  " + ESC + "1mroll" + ESC + "0m   " + ESC + "31mfailed   " + ESC + "0m  30ms\n",
                ESC + "33mverdict: ROLLED BACK — roll failed" + ESC + "0m\n",
                "journal: run r1\n");
        // once the run is over nothing is redrawn
        int length = s.toString().length();
        live.redraw();
        assertThat(s.toString()).hasSize(length).endsWith("journal: run r1\n");
    }

    @Test
    void aWaitStepShowsHowMuchOfItsTimeHasGone() {
        StringWriter s = new StringWriter();
        LiveConsole live = new LiveConsole(new PrintWriter(s), false, false, now::get, 100, false);
        event("step.started", "healthy", "kind", "wait", "target", "local", "within_ms", 20_000);
        events.forEach(live::accept);
        now.addAndGet(5_000);
        live.redraw();
        assertThat(s.toString()).endsWith(
                ESC + "1mhealthy" + ESC + "0m" + ESC + "2m 5.0s  [#####---------------] 20.0s" + ESC + "0m");
    }

    @Test
    void noStatusLineWhileAnApprovalIsAsked() {
        StringWriter s = new StringWriter();
        LiveConsole live = new LiveConsole(new PrintWriter(s), false, false, now::get, 100, false);
        event("step.started", "go", "kind", "approve", "target", "local");
        event("approval.requested", "go", "question", "Ship it?");
        events.forEach(live::accept);
        live.redraw();
        assertThat(s.toString()).endsWith("     approval needed: Ship it?\n");
    }

    @Test
    void inAPipeTheLinesAreAsTheyWere() {
        StringWriter s = new StringWriter();
        ConsoleView plain = new ConsoleView(new PrintWriter(s), false);
        aRun().forEach(plain::accept);
        finish("failed");
        events.subList(8, events.size()).forEach(plain::accept);
        assertThat(s.toString()).isEqualTo("""
                run r1 of deploy started
                  -> build — Build it [run on local]
                     | compiling
                  [ok]      build ok in 1.2s
                  -> roll [run on web, 3 hosts]
                  == web batch 2 of 3: b
                     [ok]      roll on a ok in 10ms
                     [FAILED]  roll on b failed in 10ms: exit 1
                  [FAILED]  roll failed in 30ms
                  -> notes [run on local]
                  [skipped] notes skipped in 0ms

                  step   status     time
                  build  ok         1.2s
                  roll   failed     30ms
                  notes  skipped    0ms

                verdict: ROLLED BACK — roll failed
                journal: run r1
                """);
        assertThat(s.toString()).doesNotContain(ESC);
    }

    @Test
    void verboseShowsFactsAndTriggerChecks() {
        StringWriter s = new StringWriter();
        ConsoleView verbose = new ConsoleView(new PrintWriter(s), false, true);
        event("fact.collected", null, "fact", "health", "kind", "http", "value", Map.of("status", 200));
        event("fact.collected", null, "fact", "db", "kind", "sql", "error", "connection refused");
        event("triggers.checked", "watch", "decisions", Map.of("too slow", "quiet"));
        events.forEach(verbose::accept);
        assertThat(s.toString()).isEqualTo("""
                     fact health (http) = {status=200}
                     fact db (sql) not collected: connection refused
                     triggers checked after watch: {too slow=quiet}
                """);
        StringWriter normal = new StringWriter();
        events.forEach(new ConsoleView(new PrintWriter(normal), false)::accept);
        assertThat(normal.toString()).as("without --verbose").isEmpty();
    }
}
