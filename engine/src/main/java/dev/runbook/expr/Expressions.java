package dev.runbook.expr;

import dev.runbook.diag.SourceLocation;
import dev.runbook.expr.internal.Sandbox;
import dev.runbook.model.Expr;
import dev.runbook.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JexlScript;

/**
 * The language's expressions: compiles bare expressions and {@code ${...}} templates once each (cached by
 * source and position) in the sandboxed JEXL engine, reporting errors at their line:column in the runbook.
 */
public final class Expressions {

    private static final Pattern JEXL_PREFIX = Pattern.compile("^.*?@\\d+:\\d+\\s+");
    private static final Map<Object, CompiledExpression> COMPILED = new ConcurrentHashMap<>();
    private static final Map<Object, Template> TEMPLATES = new ConcurrentHashMap<>();

    private Expressions() {
    }

    /** Compiles a bare expression. */
    public static CompiledExpression compile(Expr expr) {
        return compile(expr.source(), expr.at());
    }

    /** Compiles expression text found at {@code at}. */
    public static CompiledExpression compile(String source, SourceLocation at) {
        return COMPILED.computeIfAbsent(List.of(source, String.valueOf(at)), k -> doCompile(source, at));
    }

    /** Compiles a template. */
    public static Template template(Text text) {
        return TEMPLATES.computeIfAbsent(List.of(text.source(), String.valueOf(text.at())), k -> doTemplate(text));
    }

    private static CompiledExpression doCompile(String source, SourceLocation at) {
        if (source.isBlank()) {
            throw new ExpressionException("the expression is empty", at);
        }
        try {
            JexlScript script = Sandbox.engine().createScript(new JexlInfo("expression", 1, 1), source.trim());
            return new CompiledExpression(source, at, script);
        } catch (JexlException e) {
            throw new ExpressionException(describe(e) + " in '" + oneLine(source) + "'", locate(at, source, e), e);
        }
    }

    private static Template doTemplate(Text text) {
        List<Template.Part> parts = new ArrayList<>();
        for (Templates.Piece p : Templates.split(text.source(), text.at())) {
            if (p.expression()) {
                parts.add(new Template.Part(null, compile(p.text(), Templates.position(text.at(), text.source(),
                        p.offset()))));
            } else {
                parts.add(new Template.Part(p.text(), null));
            }
        }
        return new Template(text.source(), parts);
    }

    /** JEXL's message without its location prefix, in the language's words. */
    static String describe(JexlException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = JEXL_PREFIX.matcher(m).replaceFirst("");
        if (e instanceof JexlException.Feature) {
            return "not allowed in runbook expressions: " + m.replace(" error in ", " (in ") + ")";
        }
        if (e instanceof JexlException.Parsing || e instanceof JexlException.Ambiguous) {
            return "syntax error: " + m.replace("parsing error in ", "unexpected ");
        }
        return m;
    }

    /** Where a JEXL error is in the runbook file: the expression's start plus the error's line and column. */
    static SourceLocation locate(SourceLocation at, String source, JexlException e) {
        JexlInfo info = e.getInfo();
        if (at == null || info == null || info.getLine() < 1) {
            return at;
        }
        if (e instanceof JexlException.Feature && source.contains("#pragma")) {
            // JEXL places a refused pragma at its value; the construct is the '#pragma' itself
            return Templates.position(at, source, source.indexOf("#pragma"));
        }
        int offset = 0;
        int line = 1;
        while (line < info.getLine() && offset < source.length()) {
            if (source.charAt(offset) == '\n') {
                line++;
            }
            offset++;
        }
        int lead = source.length() - source.stripLeading().length();
        return Templates.position(at, source, Math.min(source.length(), offset + lead + Math.max(0, info.getColumn() - 1)));
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

}
