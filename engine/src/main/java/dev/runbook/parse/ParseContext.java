package dev.runbook.parse;

import dev.runbook.diag.Problems;
import dev.runbook.model.Fragment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What parsing one runbook shares across its files: the problems, the include chain and parsed fragments. */
final class ParseContext {

    /** How deeply groups and includes may nest. */
    static final int MAX_DEPTH = 16;

    final Problems problems;
    final Deque<Path> includeChain = new ArrayDeque<>();
    final Map<Path, Fragment> fragments = new HashMap<>();
    final java.util.Set<String> broken = new java.util.HashSet<>();

    ParseContext(Problems problems) {
        this.problems = problems;
    }

    /** The chain of files from the runbook down to {@code next}, for cycle messages. */
    String chain(Path next) {
        List<Path> files = new java.util.ArrayList<>(includeChain);
        java.util.Collections.reverse(files);
        StringBuilder out = new StringBuilder();
        for (Path p : files) {
            out.append(p.getFileName()).append(" -> ");
        }
        return out.append(next.getFileName()).toString();
    }
}
