package dev.runbook.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Expr;
import dev.runbook.model.Text;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The expression sandbox as a runbook author meets it: what is refused (and where the error points in the file),
 * and what evaluates, with which value. Every expression is placed at line 7, column 11 of {@code deploy.yml},
 * as if written {@code     when: EXPR}.
 */
class ExpressionSandboxTest {

    private static final Path FILE = Path.of("deploy.yml");
    private static final SourceLocation AT = new SourceLocation(FILE, 7, 11);

    private static Map<String, Object> roots() {
        Map<String, Object> params = new HashMap<>();
        params.put("x", "hello");
        params.put("name", "web");
        params.put("tier", "standard");
        params.put("replicas", 3L);
        params.put("on", true);
        params.put("off", false);
        params.put("list", List.of("a", "b"));
        params.put("map", Map.of("k", "v"));
        params.put("bools", List.of(true, false));
        params.put("trues", List.of(true, true));
        params.put("empty", List.of());
        params.put("nothing", null);
        params.put("budget", 5000L);
        Map<String, Object> facts = new HashMap<>();
        facts.put("health", Map.of("status", 200, "json",
                Map.of("status", "ok", "services", Map.of("agents", 3), "nodes", List.of("n1", "n2"))));
        facts.put("h", Map.of("status", 503));
        Map<String, Object> roots = new HashMap<>();
        roots.put("params", params);
        roots.put("facts", facts);
        return roots;
    }

    private static Object eval(String source) {
        return Expressions.compile(new Expr(source, AT)).evaluate(roots());
    }

    private static ExpressionException refusal(String source) {
        return catchThrowableOfType(ExpressionException.class, () -> Expressions.compile(new Expr(source, AT)));
    }

    /** Numbers compared by value, whatever boxed type JEXL picked. */
    private static BigDecimal num(Object v) {
        assertThat(v).isInstanceOf(Number.class);
        return new BigDecimal(v.toString());
    }

    // ---------------------------------------------------------------- refused at compile time

    /** source, the column (line 7) of the offending token, a word of the message naming the construct. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("params.x.getClass()", 19, "method call"),          // the '.' of .getClass
                Arguments.of("'a'.length()", 14, "method call"),
                Arguments.of("params.getClass()", 17, "method call"),
                Arguments.of("java.lang.System.exit(1)", 27, "method call"),      // the '.' of .exit
                Arguments.of("params.list.get(0)", 22, "method call"),
                Arguments.of("new('java.io.File', '/')", 11, "new"),
                Arguments.of("new java.io.File('/')", 11, "new"),
                Arguments.of("params.x = 1", 11, "assign"),                       // the assignment starts here
                Arguments.of("params.x += 1", 11, "assign"),
                Arguments.of("params.x++", 11, "assign"),
                Arguments.of("while (true) 1", 11, "loop"),
                Arguments.of("for (i : params.list) i", 11, "loop"),
                Arguments.of("do { 1 } while (false)", 11, "loop"),
                Arguments.of("var a = 1", 15, "local variable"),                  // the variable 'a'
                Arguments.of("x -> x", 11, "x -> x"),
                Arguments.of("x => x", 11, "x => x"),
                Arguments.of("function() { 1 }", 11, "function"),
                Arguments.of("#pragma jexl.safe false", 11, "pragma"),            // the '#pragma' itself
                Arguments.of("@silent params.x", 11, "silent"));
    }

    @ParameterizedTest(name = "{0} is refused at deploy.yml:7:{1}")
    @MethodSource("refused")
    void forbiddenConstructsAreRefusedAtCompileTimeAtTheOffendingToken(String source, int column, String word) {
        ExpressionException e = refusal(source);

        assertThat(e).as("compiling %s", source).isNotNull();
        assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, column));
        assertThat(e.describe()).startsWith("deploy.yml:7:" + column + ": error: ");
        assertThat(e.getMessage()).contains(word).contains("'" + source + "'");
    }

    @Test
    void aRefusalSaysTheConstructIsNotAllowedRatherThanCallingItASyntaxError() {
        // Expressions.describe() has a branch for this ("not allowed in runbook expressions: ..."), but JEXL's
        // Feature exception is a subclass of Parsing, so the Parsing branch wins and a well-formed, forbidden
        // expression is reported as "syntax error: method call error in ...".
        SoftAssertions.assertSoftly(soft -> refused().forEach(args -> {
            String source = (String) args.get()[0];
            ExpressionException e = refusal(source);
            soft.assertThat(e).as(source).isNotNull();
            if (e != null) {
                soft.assertThat(e.getMessage()).as(source).contains("not allowed").doesNotStartWith("syntax error");
            }
        }));
    }

    @Test
    void aRefusalInsideATemplateIsLocatedAtTheTokenInTheRunbookLine() {
        // run: "echo ${params.x.getClass()}" with the string starting at 7:11; '.getClass' is at offset 15
        Text text = new Text("echo ${params.x.getClass()}", AT);

        assertThatThrownBy(() -> Expressions.template(text))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, 26));
                    assertThat(e.getMessage()).contains("getClass");
                });
    }

    @Test
    void aRefusalInTheSecondInterpolationPointsAtIt() {
        Text text = new Text("a ${params.x} ${new('x')}", AT);

        assertThatThrownBy(() -> Expressions.template(text))
                .isInstanceOfSatisfying(ExpressionException.class,
                        e -> assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, 27)));
    }

    @Test
    void anUnclosedInterpolationIsLocatedAtItsDollar() {
        assertThatThrownBy(() -> Expressions.template(new Text("x ${params.x", AT)))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, 13));
                    assertThat(e.getMessage()).contains("no closing '}'");
                });
    }

    @Test
    void aSyntaxErrorIsLocatedAtTheBadToken() {
        ExpressionException e = refusal("params.x + ");

        assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, 20));
        assertThat(e.getMessage()).startsWith("syntax error").contains("'+'");
    }

    @Test
    void anEmptyExpressionIsRefused() {
        assertThat(refusal("   ").getMessage()).isEqualTo("the expression is empty");
    }

    // ---------------------------------------------------------------- no class is ever reached

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void classAccessFailsAtEvaluationWithoutReachingAClass(String source, String said) {
        CompiledExpression c = Expressions.compile(new Expr(source, AT));

        assertThatThrownBy(() -> c.evaluate(roots()))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.getMessage()).contains(said);
                    assertThat(e.location().line()).isEqualTo(7);
                });
    }

    static Stream<Arguments> classAccessFailsAtEvaluationWithoutReachingAClass() {
        return Stream.of(
                Arguments.of("java.lang.Runtime", "'java.lang.Runtime' is undefined"),
                Arguments.of("java.lang.System", "undefined"),
                Arguments.of("params.x.class", "undefined property 'class'"),
                Arguments.of("'a'.class", "undefined property 'class'"),
                Arguments.of("params.list.class", "undefined property 'class'"),
                Arguments.of("params.x['class']", "undefined property 'class'"),
                Arguments.of("params.x.bytes", "undefined property 'bytes'"),
                Arguments.of("params.list.empty", "undefined property 'empty'"));
    }

    // ---------------------------------------------------------------- what evaluates

    @Test
    void arithmetic() {
        assertThat(num(eval("1 + 2 * 3"))).isEqualByComparingTo("7");
        assertThat(num(eval("params.replicas * 2 - 1"))).isEqualByComparingTo("5");
        assertThat(num(eval("params.replicas % 2"))).isEqualByComparingTo("1");
        assertThat(num(eval("params.budget + duration('1s')"))).isEqualByComparingTo("6000");
        assertThat(eval("params.x + '!'")).isEqualTo("hello!");
    }

    @Test
    void comparisons() {
        assertThat(eval("params.replicas >= 3")).isEqualTo(true);
        assertThat(eval("params.replicas > 3")).isEqualTo(false);
        assertThat(eval("params.name == 'web'")).isEqualTo(true);
        assertThat(eval("params.name != 'web'")).isEqualTo(false);
        assertThat(eval("'abc' < 'abd'")).isEqualTo(true);
        assertThat(eval("facts.health.status == 200")).isEqualTo(true);
    }

    @Test
    void logic() {
        assertThat(eval("params.on && !params.off")).isEqualTo(true);
        assertThat(eval("params.off || params.replicas > 2")).isEqualTo(true);
        assertThat(eval("!(params.replicas == 3) || params.off")).isEqualTo(false);
        // short-circuit: the right side, which would fail (a property of null), is never evaluated
        assertThat(eval("params.off && params.nothing.x")).isEqualTo(false);
        assertThat(eval("params.on || params.nothing.x")).isEqualTo(true);
    }

    @Test
    void ternary() {
        assertThat(eval("params.replicas > 2 ? 'many' : 'few'")).isEqualTo("many");
        assertThat(eval("params.off ? 1 : 'no'")).isEqualTo("no");
    }

    @Test
    void membershipAndRegexWithTheMatchOperator() {
        assertThat(eval("params.tier =~ ['standard', 'premium']")).isEqualTo(true);
        assertThat(eval("'gold' =~ ['standard', 'premium']")).isEqualTo(false);
        assertThat(eval("'gold' !~ ['standard', 'premium']")).isEqualTo(true);
        assertThat(eval("'a' =~ params.list")).isEqualTo(true);
        assertThat(eval("'v1.2.3' =~ 'v\\\\d+\\\\..*'")).isEqualTo(true);
        assertThat(eval("params.x =~ 'h.*o'")).isEqualTo(true);
    }

    @Test
    void mapAndListAccess() {
        assertThat(num(eval("facts.health.json.services.agents"))).isEqualByComparingTo("3");
        assertThat(num(eval("facts['h'].status"))).isEqualByComparingTo("503");
        assertThat(eval("facts.health.json['status']")).isEqualTo("ok");
        assertThat(eval("facts.health.json.nodes[1]")).isEqualTo("n2");
        assertThat(eval("params.map.k")).isEqualTo("v");
        assertThat(eval("params.list[0]")).isEqualTo("a");
    }

    @Test
    void theReferencesOfAnExpressionAreItsNamePaths() {
        CompiledExpression c = Expressions.compile(new Expr("facts.health.json.status == 'ok' && params.on", AT));

        assertThat(c.references()).contains(List.of("facts", "health", "json", "status"), List.of("params", "on"));
    }

    @Test
    void aListLiteralIsAList() {
        assertThat(eval("'b' =~ ['a', 'b']")).isEqualTo(true);
        // A literal list is a Java array inside JEXL, which the helper functions do not take as a list:
        // contains() silently answers false, len(), all() and any() fail.
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(evalOrError("len(['a', 'b', 'c'])")).as("len of a list literal").isEqualTo(3);
            soft.assertThat(evalOrError("contains(['a', 'b'], 'b')")).as("contains on a list literal").isEqualTo(true);
            soft.assertThat(evalOrError("contains([1, 2], 2)")).as("contains on a number list literal").isEqualTo(true);
            soft.assertThat(evalOrError("all([true, true])")).as("all of a list literal").isEqualTo(true);
            soft.assertThat(evalOrError("any([false, true])")).as("any of a list literal").isEqualTo(true);
        });
    }

    /** The value, or the error's message, so that one failing case does not hide the others. */
    private static Object evalOrError(String source) {
        try {
            return eval(source);
        } catch (ExpressionException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void len() {
        assertThat(eval("len(null)")).isEqualTo(0);
        assertThat(eval("len(params.nothing)")).isEqualTo(0);
        assertThat(eval("len('')")).isEqualTo(0);
        assertThat(eval("len('héllo')")).isEqualTo(5);
        assertThat(eval("len(params.list)")).isEqualTo(2);
        assertThat(eval("len(params.map)")).isEqualTo(1);
        assertThat(eval("len(params.empty)")).isEqualTo(0);
    }

    @Test
    void contains() {
        assertThat(eval("contains('abc', 'bc')")).isEqualTo(true);
        assertThat(eval("contains('abc', 'x')")).isEqualTo(false);
        assertThat(eval("contains(params.list, 'b')")).isEqualTo(true);
        assertThat(eval("contains(params.list, 'z')")).isEqualTo(false);
        assertThat(eval("contains(params.map, 'k')")).as("a map contains its keys").isEqualTo(true);
        assertThat(eval("contains(params.map, 'v')")).as("not its values").isEqualTo(false);
        assertThat(eval("contains(null, 'a')")).isEqualTo(false);
        assertThat(eval("contains('abc', null)")).isEqualTo(false);
    }

    @Test
    void matches() {
        assertThat(eval("matches('build-123', '\\\\d+')")).as("finds anywhere").isEqualTo(true);
        assertThat(eval("matches('abc', '^b')")).isEqualTo(false);
        assertThat(eval("matches(null, 'a')")).isEqualTo(false);
        assertThat(eval("matches(facts.health.status, '^2')")).as("a number is matched as text").isEqualTo(true);
    }

    @Test
    void duration() {
        assertThat(num(eval("duration('1h30m')"))).isEqualByComparingTo("5400000");
        assertThat(num(eval("duration('250ms')"))).isEqualByComparingTo("250");
        assertThat(num(eval("duration('5s')"))).isEqualByComparingTo("5000");
        assertThat(num(eval("duration('2d')"))).isEqualByComparingTo("172800000");
        assertThat(eval("params.budget == duration('5s')")).isEqualTo(true);
    }

    @Test
    void nowIsTheCurrentEpochMillis() {
        long before = System.currentTimeMillis();
        long now = num(eval("now()")).longValueExact();
        long after = System.currentTimeMillis();

        assertThat(now).isBetween(before, after);
    }

    @Test
    void allAndAnyOfLists() {
        assertThat(eval("all(params.trues)")).isEqualTo(true);
        assertThat(eval("all(params.bools)")).isEqualTo(false);
        assertThat(eval("all(params.empty)")).as("all of nothing").isEqualTo(true);
        assertThat(eval("any(params.bools)")).isEqualTo(true);
        assertThat(eval("any(params.empty)")).as("any of nothing").isEqualTo(false);
    }

    @Test
    void lowerUpperTrim() {
        assertThat(eval("lower('AbC')")).isEqualTo("abc");
        assertThat(eval("upper('AbC')")).isEqualTo("ABC");
        assertThat(eval("trim('  a b  ')")).isEqualTo("a b");
        assertThat(eval("lower(null)")).isNull();
        assertThat(eval("upper(params.name) == 'WEB'")).isEqualTo(true);
    }

    @Test
    void aHelperGivenABadArgumentSaysWhatIsWrong() {
        // Functions.duration/len throw IllegalArgumentException with a helpful message; it must reach the author.
        // Today both say only "JEXL error : duration" / "JEXL error : len".
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(evalOrError("duration('soon')")).asString()
                    .startsWith("error: ").contains("'soon' is not a duration");
            soft.assertThat(evalOrError("len(5)")).asString()
                    .startsWith("error: ").contains("len() takes a string, list or map");
        });
    }

    @Test
    void anUnknownFunctionFails() {
        assertThatThrownBy(() -> eval("exec('id')"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("exec");
    }

    // ---------------------------------------------------------------- strict

    @Test
    void aPropertyOfNullFailsNamingTheNullPart() {
        assertThatThrownBy(() -> eval("params.nothing.x"))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.getMessage()).startsWith("'params.nothing.x' failed: ").contains("nothing");
                    assertThat(e.location()).isEqualTo(AT);
                });
    }

    @Test
    void anUnknownRootFails() {
        assertThatThrownBy(() -> eval("nosuch.x"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("'nosuch.x' is undefined");
    }

    @Test
    void aConditionMustBeTrueOrFalse() {
        CompiledExpression c = Expressions.compile(new Expr("params.x", AT));

        assertThatThrownBy(() -> c.test(roots()))
                .isInstanceOfSatisfying(ExpressionException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("'params.x' gave 'hello', not true or false");
                    assertThat(e.location()).isEqualTo(AT);
                });
        assertThatThrownBy(() -> Expressions.compile(new Expr("params.replicas", AT)).test(roots()))
                .hasMessageContaining("gave 3, not true or false");
        assertThatThrownBy(() -> Expressions.compile(new Expr("params.nothing", AT)).test(roots()))
                .hasMessageContaining("gave null, not true or false");
    }

    @Test
    void aConditionThatIsBooleanTests() {
        assertThat(Expressions.compile(new Expr("params.replicas == 3", AT)).test(roots())).isTrue();
        assertThat(Expressions.compile(new Expr("params.off", AT)).test(roots())).isFalse();
    }

    @Nested
    class TemplateRendering {

        @Test
        void aTemplateRendersItsInterpolations() {
            Template t = Expressions.template(new Text("v=${params.replicas} of ${params.name}, $${HOME}", AT));

            assertThat(t.render(roots(), RenderOptions.plain(java.util.Set.of()))).isEqualTo("v=3 of web, ${HOME}");
        }

        @Test
        void aNullInterpolationIsAnError() {
            Template t = Expressions.template(new Text("x=${params.nothing}", AT));

            assertThatThrownBy(() -> t.render(roots(), RenderOptions.plain(java.util.Set.of())))
                    .isInstanceOfSatisfying(ExpressionException.class, e -> {
                        assertThat(e.getMessage()).contains("params.nothing").contains("null");
                        assertThat(e.location()).isEqualTo(new SourceLocation(FILE, 7, 15));
                    });
        }
    }
}
