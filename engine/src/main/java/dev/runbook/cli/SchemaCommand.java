package dev.runbook.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runbook schema}: prints the JSON Schema of the language, for editors and tools. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of runbooks (or of fragments and inventories: 'runbook schema fragment',"
                + " 'runbook schema inventory').")
final class SchemaCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "runbook", description = "runbook (default), fragment or inventory.")
    String which;

    @Override
    public Integer call() throws IOException {
        if (!java.util.List.of("runbook", "fragment", "inventory").contains(which)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "the schemas are runbook, fragment and inventory");
        }
        try (InputStream in = SchemaCommand.class.getResourceAsStream("/schemas/" + which + ".schema.json")) {
            if (in == null) {
                throw new IllegalStateException("the schema is missing from the build");
            }
            spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return ExitCodes.OK;
    }
}
