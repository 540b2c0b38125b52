package dev.runbook.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which comparisons of a fact with a bound the HTML report reads out of an expression, and which it leaves. */
class HtmlComparisonsTest {

    private static List<String> found(String expression) {
        return HtmlComparisons.in(expression).stream().map(HtmlComparisons.Comparison::text).toList();
    }

    @Test
    void readsEachComparisonOfAFactPathWithAWholeOperand() {
        assertThat(found("facts.health.elapsed > params.budget")).containsExactly("facts.health.elapsed > params.budget");
        assertThat(found("facts.q >= 10 && (facts.home?.json.p95 < duration('2s') || facts.home.status != 200)"))
                .containsExactly("facts.q >= 10", "facts.home.json.p95 < duration('2s')", "facts.home.status != 200");
        assertThat(found("500 < facts.health.elapsed")).as("mirrored").containsExactly("facts.health.elapsed > 500");
        assertThat(found("params.limit * 2 >= facts.disk and facts.x == 1"))
                .containsExactly("facts.disk <= params.limit * 2", "facts.x == 1");
    }

    @Test
    void leavesWhatIsNotAPlainComparisonOfTheFact() {
        assertThat(found("trim(facts.health.body) == 'fail'")).isEmpty();
        assertThat(found("facts.a.n * 2 > 10")).isEmpty();
        assertThat(found("10 < facts.a.n * 2")).isEmpty();
        assertThat(found("len(facts.list) > 3")).isEmpty();
        assertThat(found("facts.h.json['p95'] > 3")).isEmpty();
        assertThat(found("'facts.a > 3' == params.text")).as("inside a string").isEmpty();
        assertThat(found("facts.a =~ 'x'")).isEmpty();
    }
}
