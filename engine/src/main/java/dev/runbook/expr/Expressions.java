package dev.runbook.expr;

import dev.runbook.diag.SourceLocation;
import dev.runbook.diag.SourceMap;
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
        return compile(expr.source(), expr.map());
    }

    /** Compiles expression text whose characters follow each other from {@code at}. */
    public static CompiledExpression compile(String source, SourceLocation at) {
        return compile(source, SourceMap.plain(at, source));
    }

    private static CompiledExpression compile(String source, SourceMap map) {
        return COMPILED.computeIfAbsent(List.of(source, String.valueOf(map.at(0))), k -> doCompile(source, map));
    }

    /** Compiles a template. */
    public static Template template(Text text) {
        return TEMPLATES.computeIfAbsent(List.of(text.source(), String.valueOf(text.at())), k -> doTemplate(text));
    }

    private static CompiledExpression doCompile(String source, SourceMap map) {
        if (source.isBlank()) {
            throw new ExpressionException("the expression is empty", map.at(0));
        }
        try {
            JexlScript script = Sandbox.engine().createScript(new JexlInfo("expression", 1, 1), source.trim());
            return new CompiledExpression(source, map, script);
        } catch (JexlException e) {
            throw new ExpressionException(describe(e, source) + " in '" + oneLine(source) + "'", locate(map, source, e), e);
        }
    }

    private static Template doTemplate(Text text) {
        List<Template.Part> parts = new ArrayList<>();
        for (Templates.Piece p : Templates.split(text.source(), text.map())) {
            if (p.expression()) {
                parts.add(new Template.Part(null, compile(p.text(), text.map().shift(p.offset()))));
            } else {
                parts.add(new Template.Part(p.text(), null));
            }
        }
        return new Template(text.source(), parts);
    }

    /** JEXL's message without its location prefix, in the language's words. */
    static String describe(JexlException e) {
        return describe(e, null);
    }

    /**
     * As {@link #describe(JexlException)}; with the source, a syntax error names the token that is wrong (JEXL names
     * the last good one).
     */
    static String describe(JexlException e, String source) {
        if (source != null && e instanceof JexlException.Parsing && !(e instanceof JexlException.Feature)) {
            int bad = offending(source, e);
            if (bad >= 0) {
                String trimmed = source.trim();
                return bad >= trimmed.length() ? "syntax error: the expression ends after '" + e.getDetail() + "'"
                        : "syntax error: unexpected '" + token(trimmed, bad) + "'";
            }
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            // our own reasons (a helper's bad argument, a fact that cannot be collected) say more than JEXL's
            if ((c instanceof IllegalArgumentException || c instanceof dev.runbook.diag.RunbookException)
                    && c.getMessage() != null) {
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

    /** Where a JEXL error is in the runbook file. */
    static SourceLocation locate(SourceMap map, String source, JexlException e) {
        JexlInfo info = e.getInfo();
        if (info == null || info.getLine() < 1) {
            return map.at(0);
        }
        int lead = source.length() - source.stripLeading().length();
        if (e instanceof JexlException.Feature && source.contains("#pragma")) {
            // JEXL places a refused pragma at its value; the construct is the '#pragma' itself
            return map.at(source.indexOf("#pragma"));
        }
        if (e instanceof JexlException.Parsing && !(e instanceof JexlException.Feature)) {
            int bad = offending(source, e);
            if (bad >= 0 && bad < source.trim().length()) {
                return map.at(lead + bad);
            }
        }
        return map.at(Math.min(source.length(), lead + offset(source.trim(), info)));
    }

    /** The offset in the trimmed source of JEXL's line and column. */
    private static int offset(String trimmed, JexlInfo info) {
        int offset = 0;
        int line = 1;
        while (line < info.getLine() && offset < trimmed.length()) {
            if (trimmed.charAt(offset) == '\n') {
                line++;
            }
            offset++;
        }
        return offset + Math.max(0, info.getColumn() - 1);
    }

    /**
     * The offset in the trimmed source of the token a syntax error is about: JEXL points at the last good token
     * (its text is the exception's detail); the wrong one is the next. -1 when that cannot be told.
     */
    private static int offending(String source, JexlException e) {
        String trimmed = source.trim();
        String good = e.getDetail();
        JexlInfo info = e.getInfo();
        if (good == null || good.isEmpty() || info == null || info.getLine() < 1) {
            return -1;
        }
        int at = offset(trimmed, info);
        if (!trimmed.startsWith(good, at) || good.contains(" ")) {
            return -1;
        }
        int next = at + good.length();
        while (next < trimmed.length() && Character.isWhitespace(trimmed.charAt(next))) {
            next++;
        }
        return next;
    }

    /** The token that starts at {@code i}: a run of word characters, or else one symbol run. */
    private static String token(String s, int i) {
        int end = i + 1;
        boolean word = Character.isJavaIdentifierPart(s.charAt(i));
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))
                && Character.isJavaIdentifierPart(s.charAt(end)) == word && end - i < 20) {
            end++;
        }
        return s.substring(i, end);
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

}
