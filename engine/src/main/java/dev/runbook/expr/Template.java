package dev.runbook.expr;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A parsed template: literal text and {@code ${...}} interpolations, rendered against the language's roots. */
public final class Template {

    /** One part: a literal ({@code expression == null}) or an interpolation. */
    public record Part(String literal, CompiledExpression expression) {
    }

    private final String source;
    private final List<Part> parts;

    Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    public String source() {
        return source;
    }

    public List<Part> parts() {
        return parts;
    }

    /** The interpolations, in order. */
    public List<CompiledExpression> expressions() {
        return parts.stream().map(Part::expression).filter(java.util.Objects::nonNull).toList();
    }

    /** The text with every interpolation replaced by its value, quoted and masked as {@code options} say. */
    public String render(Map<String, Object> roots, RenderOptions options) {
        return render(roots, options, java.util.Set.of());
    }

    /**
     * As {@link #render(Map, RenderOptions)}, but an interpolation that reads one of the {@code deferred} roots
     * (values known only at run time, such as {@code steps}) is shown as {@code «steps.backup.outputs.file»}.
     */
    public String render(Map<String, Object> roots, RenderOptions options, java.util.Set<String> deferred) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p.expression() == null) {
                out.append(p.literal());
                continue;
            }
            CompiledExpression e = p.expression();
            if (!deferred.isEmpty() && e.references().stream().anyMatch(r -> deferred.contains(r.get(0)))) {
                out.append('\u00ab').append(e.source().trim()).append('\u00bb');
                continue;
            }
            if (options.maskSecrets() && readsSecret(e, options)) {
                out.append(RenderOptions.MASK);
                continue;
            }
            Object v = e.evaluate(roots);
            if (v == null) {
                throw new ExpressionException("'${" + e.source() + "}' has no value (null)", e.at());
            }
            out.append(options.shell() && !isCommand(e, options) ? shellWords(v) : Values.text(v));
        }
        return out.toString();
    }

    private static boolean readsSecret(CompiledExpression e, RenderOptions options) {
        for (List<String> ref : e.references()) {
            for (List<String> secret : options.secrets()) {
                if (ref.size() >= secret.size() && ref.subList(0, secret.size()).equals(secret)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isCommand(CompiledExpression e, RenderOptions options) {
        String s = e.source().trim();
        return s.startsWith("params.") && options.commandParams().contains(s.substring("params.".length()));
    }

    private static String shellWords(Object v) {
        if (Values.normalize(v) instanceof Collection<?> c) {
            return c.stream().map(x -> ShellQuote.quote(Values.text(x))).collect(Collectors.joining(" "));
        }
        return ShellQuote.quote(Values.text(v));
    }

    @Override
    public String toString() {
        return source;
    }
}
