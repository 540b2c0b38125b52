package dev.runbook.facts;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.docker.DockerEngine;
import dev.runbook.model.Containers;
import dev.runbook.model.Fact;
import dev.runbook.model.FactSource;
import java.util.regex.Pattern;

/**
 * Facts read from a Docker engine: a container's state ({@code docker: { container: NAME }} or a Compose service),
 * the engine's info ({@code docker: info}), and {@code logs} of a container since a point in time.
 */
final class DockerFacts {

    private DockerFacts() {
    }

    static Object collect(Fact fact, DockerEngine engine, FactRoots roots) {
        FactSource s = fact.source();
        if (s instanceof FactSource.Docker d) {
            return d.info() ? engine.info() : engine.inspect(selector(d.container(), roots));
        }
        if (s instanceof FactSource.Logs l && l.container() != null) {
            long since = l.since() == null ? roots.startMs() : LogsFact.since(roots.render(l.since(), false), roots);
            String name = roots.render(l.container(), false);
            try {
                return engine.countLogLines(dev.runbook.exec.docker.Selector.named(name), since,
                        Pattern.compile(l.pattern()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunbookException("interrupted while reading the logs of " + name);
            }
        }
        throw new RunbookException(s.kind() + " facts are not collected on a Docker engine; docker facts and logs of a"
                + " container are");
    }

    private static dev.runbook.exec.docker.Selector selector(Containers.Ref ref, FactRoots roots) {
        return new dev.runbook.exec.docker.Selector(ref.name() == null ? null : roots.render(ref.name(), false),
                ref.project() == null ? null : roots.render(ref.project(), false),
                ref.service() == null ? null : roots.render(ref.service(), false));
    }
}
