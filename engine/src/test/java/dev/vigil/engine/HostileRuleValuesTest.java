package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule values too large to fit in a fixture file: each is refused with a located, bounded reason (or compiled), in
 * bounded time. The timeout is a hang guard, not a performance assertion.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileRuleValuesTest {

    private static Refusal refusal(String modifiers, String value) {
        String yaml = "title: t\nlogsource: {product: test}\ndetection:\n    sel:\n        A" + modifiers + ": '"
                + value + "'\n    condition: sel\n";
        RuleSet set = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("big.yml", yaml), CompileOptions.defaults());
        assertThat(set.size()).isZero();
        assertThat(set.refusals()).hasSize(1);
        return set.refusals().get(0);
    }

    @Test
    void megabyteOfDigitsUnderAComparisonIsRefusedWithoutBacktracking() {
        // the number pattern backtracked quadratically over a long run of digits (hours for a megabyte)
        Refusal r = refusal("|lt", "1".repeat(1 << 20) + "x");
        assertThat(r.yamlPath()).isEqualTo("detection.sel.A|lt");
        assertThat(r.reason()).contains("is not a number").contains("(1048577 characters)");
        assertThat(r.reason().length()).isLessThan(300);
    }

    @Test
    void megabyteCidrIsRefusedWithABoundedReason() {
        Refusal r = refusal("|cidr", "1".repeat(1 << 20));
        assertThat(r.yamlPath()).isEqualTo("detection.sel.A|cidr");
        assertThat(r.reason().length()).isLessThan(300);
    }

    @Test
    void megabyteNonAsciiUnderWideIsRefusedWithABoundedReason() {
        Refusal r = refusal("|wide", "\u00e9".repeat(1 << 20));
        assertThat(r.reason()).contains("ASCII text only").contains("characters)");
        assertThat(r.reason().length()).isLessThan(300);
    }

    @Test
    void windashOverAHugeStringIsRefusedByTheExpansionCap() {
        Refusal r = refusal("|windash", " -a".repeat(1 << 16));
        assertThat(r.reason()).contains("limit 4096");
        assertThat(r.reason().length()).isLessThan(300);
    }

    @Test
    void exactNumberTextOfLongDigitRunsIsANumber() {
        // 400 digits is still a (huge) number; the comparison is exact
        String yaml = "title: t\nlogsource: {product: test}\ndetection:\n    sel:\n        A|gte: '" + "9".repeat(400)
                + "'\n    condition: sel\n";
        RuleSet set = RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("n.yml", yaml), CompileOptions.defaults());
        assertThat(set.refusals()).isEmpty();
        assertThat(set.size()).isOne();
    }

    private static RuleSet compile(String detection) {
        String yaml = "title: t\nlogsource: {product: test}\ndetection:\n" + detection;
        return RuleSet.compile(
                RuleLoader.create(LoaderOptions.defaults()).loadText("cond.yml", yaml), CompileOptions.defaults());
    }

    @Test
    void ofPatternWithManyStarsAgainstALongIdentifierIsLinear() {
        // the recursive glob was exponential in the stars: C(400, 13) steps for this pair
        String id = "a".repeat(400);
        RuleSet set = compile("    " + id + ": {A: x}\n    condition: 1 of *a*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
        assertThat(set.refusals()).singleElement().satisfies(r -> {
            assertThat(r.yamlPath()).isEqualTo("detection.condition");
            assertThat(r.reason()).contains("matches no search identifier");
        });
        RuleSet ok = compile("    " + id + "b: {A: x}\n    condition: 1 of *a*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
        assertThat(ok.refusals()).isEmpty();
        assertThat(ok.size()).isOne();
    }

    @Test
    void conditionWithTooManyTokensIsRefusedWithABoundedReason() {
        String cond = "sel or ".repeat(5000) + "sel";
        RuleSet set = compile("    sel: {A: x}\n    condition: " + cond + "\n");
        assertThat(set.refusals()).singleElement().satisfies(r -> {
            assertThat(r.yamlPath()).isEqualTo("detection.condition");
            assertThat(r.reason()).contains("more than 10000 words");
        });
        RuleSet bad = compile("    sel: {A: x}\n    condition: sel and " + "x".repeat(1 << 20) + " )\n");
        assertThat(bad.refusals())
                .singleElement()
                .satisfies(r -> assertThat(r.reason().length()).isLessThan(500));
    }

    @Test
    void ofExpressionsExpandingBeyondTheCapAreRefused() {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < 1000; i++)
            d.append("    s").append(i).append(": {A: x").append(i).append("}\n");
        RuleSet ok = compile(d + "    condition: " + "1 of s* and ".repeat(99) + "1 of s*\n");
        assertThat(ok.refusals()).isEmpty();
        RuleSet set = compile(d + "    condition: " + "1 of s* and ".repeat(100) + "1 of s*\n");
        assertThat(set.refusals()).singleElement().satisfies(r -> {
            assertThat(r.yamlPath()).isEqualTo("detection.condition");
            assertThat(r.reason()).contains("more than 100000 search identifiers");
        });
    }
}
