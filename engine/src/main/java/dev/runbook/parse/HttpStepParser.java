package dev.runbook.parse;

import dev.runbook.model.Step;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Parses an {@code http} step: a URL, a list of URLs, or one request written out as a mapping. */
final class HttpStepParser {

    private HttpStepParser() {
    }

    static Optional<Step> http(Fields f, StepCommon common) {
        NodeReader r = f.reader();
        Node n = f.node("http").orElseThrow();
        if (!(n instanceof MappingNode)) {
            if (n instanceof SequenceNode || n instanceof org.snakeyaml.engine.v2.nodes.ScalarNode) {
                List<Step.HttpRequest> requests = new ArrayList<>();
                for (Text url : TargetFactParser.textOrList(f, "http")) {
                    requests.add(new Step.HttpRequest(url, "GET", Map.of(), null, null, false));
                }
                return requests.isEmpty() ? Optional.empty()
                        : Optional.of(new Step.Http(common, requests, Step.HttpExpect.ANY_2XX));
            }
        }
        return r.fields(n, f.child("http"), "'http'", Keys.HTTP_STEP).flatMap(h -> {
            Optional<Text> url = TargetFactParser.required(h, "url");
            Step.HttpExpect expect = h.node("expect")
                    .flatMap(e -> r.fields(e, h.child("expect"), "'expect'", Keys.HTTP_EXPECT))
                    .map(HttpStepParser::expect)
                    .orElse(Step.HttpExpect.ANY_2XX);
            return url.map(u -> new Step.Http(common, List.of(new Step.HttpRequest(u, TargetFactParser.method(h),
                    h.texts("headers", false), h.text("body").orElse(null), h.duration("timeout").orElse(null),
                    h.bool("insecure", false))), expect));
        });
    }

    private static Step.HttpExpect expect(Fields e) {
        NodeReader r = e.reader();
        List<Integer> status = new ArrayList<>();
        e.node("status").ifPresent(n -> {
            if (n instanceof SequenceNode s) {
                for (int i = 0; i < s.getValue().size(); i++) {
                    code(r, s.getValue().get(i), e.child("status") + "[" + i + "]").ifPresent(status::add);
                }
            } else {
                code(r, n, e.child("status")).ifPresent(status::add);
            }
        });
        return new Step.HttpExpect(status, e.string("contains").orElse(null));
    }

    private static Optional<Integer> code(NodeReader r, Node n, String path) {
        Optional<Integer> c = r.integer(n, path, "an HTTP status", 100);
        c.filter(v -> v > 599).ifPresent(v -> r.problem(n, path, "an HTTP status is between 100 and 599, not " + v));
        return c.filter(v -> v <= 599);
    }
}
