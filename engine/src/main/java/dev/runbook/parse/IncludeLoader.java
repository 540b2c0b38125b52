package dev.runbook.parse;

import dev.runbook.model.Fragment;
import dev.runbook.model.Param;
import dev.runbook.model.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/** Loads the fragment file an {@code include} step names, relative to the including file, refusing cycles. */
final class IncludeLoader {

    private IncludeLoader() {
    }

    static Optional<Fragment> load(NodeReader from, ParseContext ctx, Node at, String path, String name, int depth) {
        Path base = from.file().toAbsolutePath().getParent();
        Path file = base.resolve(name).normalize();
        Path shown = shown(from.file(), name);
        if (ctx.includeChain.isEmpty()) {
            ctx.includeChain.push(from.file().toAbsolutePath().normalize());
        }
        if (ctx.includeChain.contains(file)) {
            from.problem(at, path, "include cycle: " + ctx.chain(file));
            return Optional.empty();
        }
        Fragment cached = ctx.fragments.get(file);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (Files.isDirectory(file)) {
            from.problem(at, path, shown + " is a directory; include names a fragment file");
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            from.problem(at, path, "the included file " + shown + " does not exist");
            return Optional.empty();
        }
        Optional<YamlLoader.Document> doc = YamlLoader.load(shown, ctx.problems);
        if (doc.isEmpty()) {
            return Optional.empty();
        }
        NodeReader r = new NodeReader(shown, doc.get(), ctx.problems, ctx.broken);
        Optional<Node> root = Optional.of(doc.get().root());
        if (!(root.get() instanceof MappingNode)) {
            r.problem(root.get(), "", "a fragment must be a mapping with keys fragment, params and steps, not "
                    + NodeReader.describe(root.get()));
            return Optional.empty();
        }
        ctx.includeChain.push(file);
        try {
            Fields f = r.fields(root.get(), "", "a fragment", Keys.FRAGMENT).orElseThrow();
            Optional<String> fragmentName = f.requiredString("fragment");
            Map<String, Param> params = RunbookParser.params(f);
            List<Step> steps = List.of();
            if (!f.has("steps")) {
                f.missing("steps");
            } else {
                steps = new StepParser(r, ctx).steps(f.node("steps").orElseThrow(), "steps", depth + 1);
            }
            Fragment fragment = new Fragment(fragmentName.orElse(name), f.string("description").orElse(null),
                    params, steps, shown);
            ctx.fragments.put(file, fragment);
            return Optional.of(fragment);
        } finally {
            ctx.includeChain.pop();
        }
    }

    /** The fragment's path as the user would name it: relative to where the runbook was named from. */
    private static Path shown(Path including, String name) {
        Path parent = including.getParent();
        return (parent == null ? Path.of(name) : parent.resolve(name)).normalize();
    }
}
