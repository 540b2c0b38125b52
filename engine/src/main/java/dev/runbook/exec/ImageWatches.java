package dev.runbook.exec;

import dev.runbook.diag.RunbookException;
import dev.runbook.exec.docker.DockerEngine;
import dev.runbook.journal.EventType;
import dev.runbook.model.Containers;
import dev.runbook.model.Step;
import java.util.Map;

/**
 * The images of the Compose services that steps change ({@code changes_image}): the image id a service runs is
 * journaled before the step and after it ({@code image.recorded}); rolling the step back recreates the service from
 * the id recorded before, also in a run resumed or rolled back after a crash (the journal has it).
 */
final class ImageWatches {

    private final RunContext ctx;

    ImageWatches(RunContext ctx) {
        this.ctx = ctx;
    }

    /** Records the image before the step (when it watches one); a service that cannot be read is recorded so. */
    void before(Step s, Scope scope) {
        RecordedImage r = read(s, scope, "before");
        if (r != null) {
            ctx.images.put(s.id(), r);
        }
    }

    /** Records the image after the step, for the journal (the run's account of what changed). */
    void after(Step s, Scope scope) {
        read(s, scope, "after");
    }

    private RecordedImage read(Step s, Scope scope, String when) {
        Containers.ImageWatch w = s.common().changesImage();
        if (w == null) {
            return null;
        }
        Map<String, Object> roots = ctx.roots(scope, null, null);
        String project = ctx.render(w.service().project(), scope, roots, false);
        String service = ctx.render(w.service().service(), scope, roots, false);
        String image = null;
        String error = null;
        try {
            image = ctx.targets.docker(w.target()).imageIdOf(project, service);
        } catch (RunbookException e) {
            error = e.getMessage();
        }
        ctx.events.emit(EventType.IMAGE_RECORDED, s.id(), "when", when, "target", w.target(), "project", project,
                "service", service, "image", image, "error", error);
        return new RecordedImage(w.target(), project, service, image, error);
    }

    /** Recreates the service from the image recorded before the step; throws saying why it cannot. */
    void restore(Step s) throws InterruptedException {
        RecordedImage r = ctx.images.get(s.id());
        if (r == null || r.image() == null) {
            throw new RunbookException("no image of the service was recorded before step '" + s.id() + "'"
                    + (r == null || r.error() == null ? "" : " (" + r.error() + ")") + ": restore it by hand");
        }
        DockerEngine engine = ctx.targets.docker(r.target());
        engine.restoreImage(r.project(), r.service(), r.image());
    }
}
