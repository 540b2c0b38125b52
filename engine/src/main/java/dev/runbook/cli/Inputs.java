package dev.runbook.cli;

import dev.runbook.Runbooks;
import dev.runbook.vars.ParamBinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that give params their values, shared by plan and exec. */
final class Inputs {

    @Option(names = "--vars", paramLabel = "FILE", description = "A YAML file of param values (repeatable; later files win).")
    List<Path> vars = new ArrayList<>();

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "A param value (repeatable; wins over --vars).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "The hosts of the customer, in groups: targets written ssh: \"@GROUP\" run on a group's hosts.")
    Path inventory;

    ParamBinder.Inputs toInputs() {
        return new ParamBinder.Inputs(vars, sets, Runbooks.environment()).withInventory(inventory);
    }
}
