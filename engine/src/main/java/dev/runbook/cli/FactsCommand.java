package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.diag.InputException;
import dev.runbook.diag.RunbookException;
import dev.runbook.expr.Values;
import dev.runbook.facts.FactRoots;
import dev.runbook.facts.LocalFactCollector;
import dev.runbook.model.Fact;
import dev.runbook.model.Runbook;
import dev.runbook.secret.Masker;
import dev.runbook.vars.BoundParams;
import dev.runbook.vars.ParamBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code runbook facts FILE [NAME...]}: collects facts now and prints their values, for writing guards; {@code --save}
 * records them (secret facts left out) for {@code runbook plan --facts-from}. Exit 0 when every fact was collected, 1
 * when one could not be.
 */
@Command(name = "facts", mixinStandardHelpOptions = true,
        description = "Collect facts now (all, or those named) and print their values; --save records them.")
final class FactsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "NAME", description = "The facts to collect (all when none is named).")
    List<String> names = new ArrayList<>();

    @Mixin
    Inputs inputs;

    @Option(names = "--format", defaultValue = "text", description = "text or json.")
    String format;

    @Option(names = "--save", paramLabel = "SNAPSHOT.json",
            description = "Write the values collected as JSON {name: value} (secret facts left out).")
    Path save;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    /** One fact: its value, or why it could not be collected. */
    private record Collected(Fact fact, Object value, String error) {
    }

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format is text or json, not " + format);
        }
        Runbook runbook = Runbooks.require(file);
        List<Fact> wanted = new ArrayList<>();
        if (names.isEmpty()) {
            wanted.addAll(runbook.facts().values());
        } else {
            for (String n : names) {
                Fact f = runbook.facts().get(n);
                if (f == null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no fact '" + n
                            + "' in " + file + (runbook.facts().isEmpty() ? " (it declares none)"
                            : "; its facts: " + String.join(", ", runbook.facts().keySet())));
                }
                wanted.add(f);
            }
        }
        ParamBinder.Inputs in = inputs.toInputs();
        BoundParams params = ParamBinder.bindForPlan(runbook.params(), in);
        Masker masker = params.masker();
        LocalFactCollector collector = new LocalFactCollector(runbook,
                FactRoots.of(runbook, params, in.env(), "facts", System.currentTimeMillis(), true));
        List<Collected> got = new ArrayList<>();
        try (var targets = dev.runbook.exec.TargetConnections.open(runbook, params)) {
            collector.useExecutors(targets::executor);
            collector.useEngines(targets::docker);
            for (Fact f : wanted) {
                try {
                    got.add(new Collected(f, collector.collect(f), null));
                } catch (RunbookException e) {
                    got.add(new Collected(f, null, masker.mask(e.getMessage())));
                }
            }
        }
        var out = spec.commandLine().getOut();
        if (format.equals("json")) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (Collected c : got) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("kind", c.fact().source().kind());
                if (c.error() != null) {
                    one.put("error", c.error());
                } else {
                    one.put("value", c.fact().secret() ? Masker.MASK : c.value());
                }
                all.put(c.fact().name(), one);
            }
            out.println(masker.mask(Json.write(all)));
        } else {
            int width = got.stream().mapToInt(c -> c.fact().name().length()).max().orElse(0);
            int kinds = got.stream().mapToInt(c -> c.fact().source().kind().length()).max().orElse(0);
            for (Collected c : got) {
                String shown = c.error() != null ? "cannot be collected: " + c.error()
                        : c.fact().secret() ? Masker.MASK : masker.mask(Values.show(c.value()));
                out.println(pad(c.fact().name(), width) + "  " + pad(c.fact().source().kind(), kinds) + "  " + shown);
            }
            if (got.isEmpty()) {
                out.println(file + " declares no facts");
            }
        }
        if (save != null) {
            Map<String, Object> snapshot = new LinkedHashMap<>();
            got.stream().filter(c -> c.error() == null && !c.fact().secret())
                    .forEach(c -> snapshot.put(c.fact().name(), c.value()));
            try {
                Path parent = save.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(save, masker.mask(Json.write(snapshot)) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InputException("cannot write the snapshot " + save + ": " + e.getMessage());
            }
            spec.commandLine().getErr().println("saved " + snapshot.size() + " fact(s) to " + save);
        }
        return got.stream().allMatch(c -> c.error() == null) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    /** A snapshot written by {@code --save}: a JSON object of fact values by name. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readSnapshot(Path snapshot) {
        String text;
        try {
            text = Files.readString(snapshot, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("cannot read the snapshot " + snapshot + ": " + e.getMessage());
        }
        Object parsed;
        try {
            parsed = tools.jackson.databind.json.JsonMapper.builder().build().readValue(text, Object.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new InputException("the snapshot " + snapshot + " is not JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new InputException("the snapshot " + snapshot + " is not a JSON object of fact values by name"
                    + " (runbook facts --save writes one)");
        }
        return new LinkedHashMap<>((Map<String, Object>) m);
    }
}
