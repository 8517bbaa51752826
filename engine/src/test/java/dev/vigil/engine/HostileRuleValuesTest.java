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
}
