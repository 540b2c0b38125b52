package dev.runbook.parse;

import dev.runbook.model.Step;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Text;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Parses the steps that copy files: {@code upload: { from, to, mode }} and {@code download: { from, to }}. */
final class TransferStepParser {

    /** Octal permissions, such as {@code 0640} or {@code 640}. */
    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

    private TransferStepParser() {
    }

    static Optional<Step> upload(Fields f, StepCommon common) {
        return f.reader().fields(f.node("upload").orElseThrow(), f.child("upload"), "'upload'", Keys.UPLOAD)
                .flatMap(u -> {
                    Optional<Text> from = TargetFactParser.required(u, "from");
                    Optional<Text> to = TargetFactParser.required(u, "to");
                    Optional<String> mode = u.node("mode").flatMap(n -> mode(u.reader(), n, u.child("mode")));
                    if (from.isEmpty() || to.isEmpty() || (u.has("mode") && mode.isEmpty())) {
                        return Optional.empty();
                    }
                    return Optional.of(new Step.Upload(common, from.get(), to.get(), mode.orElse(null)));
                });
    }

    static Optional<Step> download(Fields f, StepCommon common) {
        return f.reader().fields(f.node("download").orElseThrow(), f.child("download"), "'download'", Keys.DOWNLOAD)
                .flatMap(d -> {
                    Optional<Text> from = TargetFactParser.required(d, "from");
                    Optional<Text> to = TargetFactParser.required(d, "to");
                    if (from.isEmpty() || to.isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Step.Download(common, from.get(), to.get()));
                });
    }

    /**
     * The mode as its octal digits. YAML reads an unquoted {@code 0640} as a number, but the node keeps the digits
     * as written, so that form is taken too; an unquoted number without the leading 0 ({@code 640}) is refused,
     * since it reads as decimal elsewhere.
     */
    private static Optional<String> mode(NodeReader r, Node n, String path) {
        if (n instanceof ScalarNode s && (s.getTag().equals(Tag.STR) || s.getTag().equals(Tag.INT))) {
            String v = s.getValue();
            boolean number = s.getTag().equals(Tag.INT);
            if (MODE.matcher(v).matches() && (!number || v.startsWith("0"))) {
                return Optional.of(v);
            }
            if (number && MODE.matcher(v).matches()) {
                r.problem(n, path, "write the mode quoted, as mode: \"" + v + "\" or \"0" + v + "\": unquoted, "
                        + v + " is a decimal number");
                return Optional.empty();
            }
            r.problem(n, path, "'mode' must be octal permissions, 3 or 4 digits 0-7 such as \"0640\", not '" + v
                    + "'" + (number ? " (write it quoted)" : ""));
            return Optional.empty();
        }
        r.problem(n, path, "'mode' must be octal permissions such as \"0640\", not " + NodeReader.describe(n));
        return Optional.empty();
    }
}
