package dev.runbook.expr;

import dev.runbook.diag.SourceLocation;
import dev.runbook.diag.SourceMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/** A parsed expression, ready to evaluate against the language's roots (params, facts, steps, run, ...). */
public final class CompiledExpression {

    private final String source;
    private final SourceMap map;
    private final JexlScript script;

    CompiledExpression(String source, SourceMap map, JexlScript script) {
        this.source = source;
        this.map = map;
        this.script = script;
    }

    public String source() {
        return source;
    }

    /** Where the expression starts in the runbook. */
    public SourceLocation at() {
        return map.at(0);
    }

    /** Where the expression's character at {@code offset} is in the runbook. */
    public SourceLocation at(int offset) {
        return map.at(offset);
    }

    /** Every name path the expression reads, such as {@code [facts, health, status]}. */
    public Set<List<String>> references() {
        return script.getVariables();
    }

    /** The function names it calls, such as {@code len}. */
    public Set<String> functions() {
        return FunctionScanner.functions(source);
    }

    /** Evaluates against the given roots. */
    public Object evaluate(Map<String, Object> roots) {
        try {
            return script.execute(new dev.runbook.expr.internal.RootsContext(roots));
        } catch (JexlException e) {
            throw new ExpressionException("'" + source + "' failed: " + Expressions.describe(e),
                    Expressions.locate(map, source, e), e);
        } catch (RuntimeException e) {
            throw new ExpressionException("'" + source + "' failed: " + e.getMessage(), at(), e);
        }
    }

    /** Evaluates a condition: the result must be true or false. */
    public boolean test(Map<String, Object> roots) {
        Object v = evaluate(roots);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("'" + source + "' gave " + Values.show(v) + ", not true or false", at());
    }

    @Override
    public String toString() {
        return source;
    }
}
