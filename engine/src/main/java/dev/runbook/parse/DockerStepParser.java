package dev.runbook.parse;

import dev.runbook.model.Containers;
import dev.runbook.model.Step;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Parses the Docker steps ({@code container}, {@code exec}, {@code restart}/{@code stop}/{@code start},
 * {@code pull}, {@code compose}), the container references they share with docker facts
 * ({@code { container: NAME }} or {@code { service: NAME, project: NAME }}) and {@code changes_image}.
 */
final class DockerStepParser {

    /** The networks a one-off container may have: this engine runs containers with no bridge network. */
    static final Set<String> NETWORKS = Set.of("host", "none");
    /** A bind mount {@code HOST:CONTAINER[:ro|rw]}: a host path, an absolute path in the container, a mode. */
    private static final Pattern MOUNT = Pattern.compile("[^:]+:/[^:]*(:(ro|rw))?");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[^}]*}");

    private DockerStepParser() {
    }

    static Optional<Step> container(Fields f, StepCommon common) {
        return f.reader().fields(f.node("container").orElseThrow(), f.child("container"), "'container'",
                Keys.CONTAINER_STEP).flatMap(c -> {
                    Optional<Text> image = TargetFactParser.required(c, "image");
                    Map<String, Text> env = c.texts("env", true);
                    List<Text> mounts = mounts(c);
                    Optional<String> network = c.string("network");
                    network.filter(n -> !NETWORKS.contains(n)).ifPresent(n -> c.problem("network", "'network' is"
                            + " host (the default) or none, not '" + n + "': this engine runs containers without a"
                            + " bridge network (no published ports or container links)"));
                    if (image.isEmpty() || network.filter(n -> !NETWORKS.contains(n)).isPresent()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Step.Container(common, new Containers.Spec(image.get(),
                            c.text("command").orElse(null), env, mounts, network.orElse("host"))));
                });
    }

    private static List<Text> mounts(Fields c) {
        List<Text> out = new ArrayList<>();
        NodeReader r = c.reader();
        c.node("mounts").flatMap(n -> r.list(n, c.child("mounts"), "'mounts'")).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                String path = c.child("mounts") + "[" + i + "]";
                Node item = items.get(i);
                r.text(item, path, "an item of 'mounts'").ifPresent(t -> {
                    String shape = INTERPOLATION.matcher(t.source()).replaceAll("/x");
                    if (!MOUNT.matcher(shape).matches()) {
                        r.problem(item, path, "a mount is HOST:CONTAINER or HOST:CONTAINER:ro (or :rw), with an"
                                + " absolute path in the container, such as /srv/shop/config:/app/config:ro; not '"
                                + t.source() + "'");
                    } else {
                        out.add(t);
                    }
                });
            }
        });
        return out;
    }

    static Optional<Step> exec(Fields f, StepCommon common) {
        return f.reader().fields(f.node("exec").orElseThrow(), f.child("exec"), "'exec'", Keys.EXEC_STEP)
                .flatMap(e -> {
                    Optional<Containers.Ref> ref = ref(e, "'exec'");
                    Optional<Text> command = TargetFactParser.required(e, "command");
                    if (ref.isEmpty() || command.isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Step.Exec(common, ref.get(), command.get()));
                });
    }

    /** {@code restart}, {@code stop} or {@code start}: the kind is the action. */
    static Optional<Step> service(Fields f, String action, StepCommon common) {
        return f.reader().fields(f.node(action).orElseThrow(), f.child(action), "'" + action + "'", Keys.SERVICE_STEP)
                .flatMap(s -> ref(s, "'" + action + "'")).map(ref -> new Step.Service(common, action, ref));
    }

    static Optional<Step> pull(Fields f, StepCommon common) {
        return f.text("pull").map(image -> new Step.Pull(common, image));
    }

    /** {@code tag: { image, as }}: the image also known as another name. */
    static Optional<Step> tag(Fields f, StepCommon common) {
        return f.reader().fields(f.node("tag").orElseThrow(), f.child("tag"), "'tag'", Keys.TAG_STEP)
                .flatMap(t -> {
                    Optional<Text> image = TargetFactParser.required(t, "image");
                    Optional<Text> as = TargetFactParser.required(t, "as");
                    return image.isPresent() && as.isPresent()
                            ? Optional.of(new Step.Tag(common, image.get(), as.get())) : Optional.empty();
                });
    }

    static Optional<Step> compose(Fields f, StepCommon common) {
        return f.reader().fields(f.node("compose").orElseThrow(), f.child("compose"), "'compose'", Keys.COMPOSE_STEP)
                .flatMap(c -> {
                    Optional<Text> command = TargetFactParser.required(c, "command");
                    List<Text> files = c.has("files") ? TargetFactParser.textOrList(c, "files") : List.of();
                    Map<String, Text> env = c.texts("env", true);
                    Optional<Text> cli = c.text("cli");
                    Text defaultCli = new Text("docker compose", f.reader().at(c.node()));
                    return command.map(cmd -> new Step.Compose(common, new Containers.Compose(cli.orElse(defaultCli),
                            c.text("dir").orElse(null), files, c.text("project").orElse(null), cmd, env)));
                });
    }

    /**
     * {@code changes_image: { on: TARGET, project: NAME, service: NAME }}: the docker target defaults to the step's
     * own (validation then says when that is not a docker target).
     */
    static Optional<Containers.ImageWatch> changesImage(Fields f, String stepOn) {
        NodeReader r = f.reader();
        return f.node("changes_image").flatMap(n -> r.fields(n, f.child("changes_image"), "'changes_image'",
                Keys.CHANGES_IMAGE)).flatMap(c -> {
                    Optional<String> on = c.node("on").flatMap(n -> r.identifier(n, c.child("on"), "the target name"));
                    Optional<Text> project = TargetFactParser.required(c, "project");
                    Optional<Text> service = TargetFactParser.required(c, "service");
                    if ((c.has("on") && on.isEmpty()) || project.isEmpty() || service.isEmpty()) {
                        return Optional.empty();
                    }
                    var at = c.node("on").map(r::at).orElse(r.at(c.node()));
                    return Optional.of(new Containers.ImageWatch(on.orElse(stepOn),
                            new Containers.Ref(null, project.get(), service.get()), at));
                });
    }

    /**
     * A running container: {@code container: NAME}, or {@code service: NAME} and {@code project: NAME} for the
     * container(s) of a Compose service; exactly one of the two ways.
     *
     * @param what the mapping, for messages: {@code 'exec'}, {@code a docker fact}
     */
    static Optional<Containers.Ref> ref(Fields s, String what) {
        NodeReader r = s.reader();
        boolean byName = s.has("container");
        boolean byService = s.has("service") || s.has("project");
        if (byName && byService) {
            r.problem(s.keyNode(s.has("service") ? "service" : "project").orElseThrow(), s.path(), what
                    + " names its container by 'container' or by 'service' and 'project', not both");
            return Optional.empty();
        }
        if (!byName && !byService) {
            if (!s.hadUnknownKeys()) {
                r.problem(s.node(), s.path(), what + " needs 'container' (a container's name), or 'service' and"
                        + " 'project' (the containers of a Compose service)");
            }
            return Optional.empty();
        }
        if (byName) {
            return s.text("container").map(name -> new Containers.Ref(name, null, null));
        }
        if (!s.has("project") || !s.has("service")) {
            String given = s.has("service") ? "service" : "project";
            String needed = s.has("service") ? "project" : "service";
            r.problem(s.node(), s.path(), what + " needs '" + needed + "' with '" + given + "': a Compose service is"
                    + " named by 'service' and 'project' together (or name the container with 'container')");
            return Optional.empty();
        }
        Optional<Text> project = s.text("project");
        Optional<Text> service = s.text("service");
        if (project.isEmpty() || service.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Containers.Ref(null, project.get(), service.get()));
    }
}
