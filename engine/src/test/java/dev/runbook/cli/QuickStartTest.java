package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link QuickStart} prints what picocli would, or leaves the command line to picocli. */
class QuickStartTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String PRODUCTION = ROOT.resolve("runbooks/production.yml").toString();
    static final String HELLO = ROOT.resolve("examples/hello.yml").toString();

    @TempDir
    Path tmp;

    record Result(Integer code, String out, String err) {
    }

    static Result quick(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer code = QuickStart.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Result picocli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.runWithPicocli(args, new PrintWriter(out), new PrintWriter(err), List.of(args).contains("--debug"));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void sameOutputAsPicocli() throws Exception {
        Path bad = tmp.resolve("bad.yml");
        Files.writeString(bad, "runbook: x\nversion: 1\nsteps:\n  - id: a\n    run: echo ${params.nope}\n    retries: many\n");
        String missing = tmp.resolve("nope.yml").toString();
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"--version"});
        lines.add(new String[] {"-V"});
        lines.add(new String[] {"validate", PRODUCTION});
        lines.add(new String[] {"validate", PRODUCTION, HELLO, bad.toString(), missing});
        lines.add(new String[] {"validate", "--format", "json", PRODUCTION, bad.toString()});
        lines.add(new String[] {"validate", bad.toString(), "--format=json", "--debug"});
        lines.add(new String[] {"validate", "--debug", "--format=text", missing});
        for (String[] args : lines) {
            Result q = quick(args);
            assertThat(q.code()).as(String.join(" ", args)).isNotNull();
            assertThat(q).as(String.join(" ", args)).isEqualTo(picocli(args));
        }
    }

    @Test
    void leavesEverythingElseToPicocli() {
        String[][] others = {{}, {"validate"}, {"--help"}, {"validate", "--help"}, {"validate", "-h", HELLO},
                {"validate", "--version", HELLO}, {"validate", "--format", "yaml", HELLO}, {"validate", "--format"},
                {"validate", "--format=", HELLO}, {"validate", "--debug", "--debug", HELLO},
                {"validate", "--format", "json", "--format=text", HELLO}, {"validate", "--", HELLO},
                {"validate", "@args.txt"}, {"validate", "-x", HELLO}, {"validate", "--debug"},
                {"plan", HELLO}, {"--version", "validate", HELLO}, {"schema"}, {"validate", "a\0b"}};
        for (String[] args : others) {
            assertThat(quick(args).code()).as(String.join(" ", args)).isNull();
        }
    }
}
