package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Refusal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chained correlations (the specification's example), {@code generate}, references and refusals. */
class ChainingAndGenerateTest {

    /** The specification's example: multiple failed logins (event_count) followed by a successful login. */
    static final String SPEC_EXAMPLE = """
            title: Correlation - Multiple Failed Logins Followed by Successful Login
            id: b180ead8-d58f-40b2-ae54-c8940995b9b6
            correlation:
                type: temporal_ordered
                rules:
                    - multiple_failed_login
                    - successful_login
                group-by:
                    - User
                timespan: 10m
            level: high
            ---
            title: Multiple failed logons
            id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
            name: multiple_failed_login
            correlation:
                type: event_count
                rules:
                    - failed_login
                group-by:
                    - User
                timespan: 10m
                condition:
                    gte: 3
            ---
            title: Single failed login
            id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
            name: failed_login
            logsource:
                product: windows
                service: security
            detection:
                selection:
                    EventID:
                        - 529
                        - 4625
                condition: selection
            ---
            title: Successful login
            id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
            name: successful_login
            logsource:
                product: windows
                service: security
            detection:
                selection:
                    EventID:
                        - 528
                        - 4624
                condition: selection
            """;

    @Test
    void chainedCorrelationFiresOnlyTheOuterRuleAndNoBaseDetections() {
        Harness h = Harness.of(SPEC_EXAMPLE);
        h.feed(ev(0, "EventID", 4624L, "User", "bob")); // success first: no order
        for (int i = 1; i <= 3; i++) h.feed(ev(i, "EventID", 4625L, "User", "alice"));
        assertThat(h.firings).isEmpty(); // the inner event_count fired, but it is not emitted (generate: false)
        h.feed(ev(60, "EventID", 4624L, "User", "alice"));
        assertThat(h.firings).hasSize(1);
        Detection outer = h.firings.get(0);
        assertThat(outer.ruleId()).isEqualTo("b180ead8-d58f-40b2-ae54-c8940995b9b6");
        assertThat(outer.correlation().groupKey()).containsEntry("User", "alice");
        assertThat(outer.correlation().contributing())
                .extracting(Detection::ruleId)
                .containsExactly("a8418a5a-5fc4-46b5-b23b-6c73beb19d41", "4d0a2c83-c62c-4ed4-b475-c7e23a9269b8");
        Detection inner = outer.correlation().contributing().get(0);
        assertThat(inner.correlation().contributing()).hasSize(3);
        assertThat(h.base).isEmpty();
    }

    @Test
    void successBeforeTheBurstDoesNotFireTheChain() {
        Harness h = Harness.of(SPEC_EXAMPLE);
        h.feed(ev(0, "EventID", 4624L, "User", "alice"));
        for (int i = 1; i <= 3; i++) h.feed(ev(i, "EventID", 4625L, "User", "alice"));
        h.flush();
        assertThat(h.firings).isEmpty();
    }

    @Test
    void generateTrueEmitsTheReferencedRulesToo() {
        Harness h = Harness.of(rule("fail", "failure") + """
                title: Burst
                id: burst
                correlation:
                    type: event_count
                    rules: [fail]
                    group-by: [User]
                    timespan: 1m
                    condition: {gte: 2}
                    generate: true
                """);
        h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "failure", "User", "a"));
        assertThat(h.base).hasSize(2);
        assertThat(h.firings).hasSize(1);
    }

    @Test
    void unreferencedRulesStillEmit() {
        Harness h = Harness.of(rule("fail", "failure") + rule("other", "other") + """
                title: Burst
                id: burst
                correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1m, condition: {gte: 5}}
                """);
        h.feed(ev(0, "EventType", "failure", "User", "a"), ev(1, "EventType", "other", "User", "a"));
        assertThat(h.base).extracting(Detection::ruleId).containsExactly("other");
    }

    @Test
    void aRuleReferencedByTwoCorrelationsFeedsBoth() {
        Harness h = Harness.of(rule("fail", "failure") + """
                title: Burst by user
                id: by-user
                correlation: {type: event_count, rules: [fail], group-by: [User], timespan: 1m, condition: {gte: 2}}
                ---
                title: Burst by host
                id: by-host
                correlation: {type: event_count, rules: [fail], group-by: [Computer], timespan: 1m, condition: {gte: 2}}
                """);
        h.feed(
                ev(0, "EventType", "failure", "User", "a", "Computer", "h1"),
                ev(1, "EventType", "failure", "User", "b", "Computer", "h1"));
        assertThat(h.firings).extracting(Detection::ruleId).containsExactly("by-host");
    }

    static String refusalOf(String yaml) {
        List<Refusal> r = Harness.refusals(yaml);
        assertThat(r).hasSize(1);
        return r.get(0).yamlPath() + ": " + r.get(0).reason();
    }

    static String corr(String body) {
        return rule("fail", "failure") + "title: C\nid: c1\ncorrelation:\n" + body;
    }

    @Test
    void semanticErrorsAreRefusedWithASpecificReason() {
        assertThat(refusalOf(
                        corr("    type: event_count\n    rules: [nope]\n    timespan: 5m\n    condition: {gte: 1}\n")))
                .contains("correlation.rules[0]")
                .contains("'nope'");
        assertThat(refusalOf(
                        corr("    type: event_count\n    rules: [fail]\n    timespan: 1M\n    condition: {gte: 1}\n")))
                .contains("correlation.timespan");
        assertThat(refusalOf(
                        corr("    type: event_count\n    rules: [fail]\n    timespan: 0s\n    condition: {gte: 1}\n")))
                .contains("greater than zero");
        assertThat(refusalOf(
                        corr("    type: value_count\n    rules: [fail]\n    timespan: 5m\n    condition: {gte: 1}\n")))
                .contains("condition.field");
        assertThat(
                        refusalOf(
                                corr(
                                        "    type: event_count\n    rules: [fail]\n    timespan: 5m\n    condition: {gte: 1, field: X}\n")))
                .contains("takes no condition.field");
        assertThat(
                        refusalOf(
                                corr(
                                        "    type: value_percentile\n    rules: [fail]\n    timespan: 5m\n    condition: {gte: 1, field: X}\n")))
                .contains("condition.percentile");
        assertThat(refusalOf(corr(
                        "    type: event_count\n    rules: [fail]\n    timespan: 5m\n    condition: {gte: many}\n")))
                .contains("must be a number");
        assertThat(refusalOf(corr(
                        "    type: event_count\n    rules: [fail]\n    timespan: 5m\n    condition: {above: 3}\n")))
                .contains("unknown condition key 'above'");
        assertThat(refusalOf(corr(
                        "    type: event_count\n    rules: [fail, fail]\n    timespan: 5m\n    condition: {gte: 1}\n")))
                .contains("twice");
        assertThat(refusalOf(corr("    type: temporal\n    rules: [fail]\n    timespan: 5m\n"
                        + "    aliases: {ip: {stranger: source.ip}}\n")))
                .contains("'stranger'");
        assertThat(refusalOf(
                        corr("    type: event_count\n    rules: [fail]\n    timespan: 5m\n    condition: {gte: 1}\n"
                                + "    generate: yes\n")))
                .contains("generate");
    }

    @Test
    void cyclesAndTheirDependantsAreRefused() {
        List<Refusal> r = Harness.refusals(rule("fail", "failure") + """
                title: A
                id: a
                correlation: {type: temporal, rules: [fail, b], timespan: 5m}
                ---
                title: B
                id: b
                correlation: {type: temporal, rules: [fail, a], timespan: 5m}
                ---
                title: C
                id: c
                correlation: {type: event_count, rules: [a], timespan: 5m, condition: {gte: 1}}
                """);
        assertThat(r).extracting(Refusal::ruleId).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(r)
                .filteredOn(x -> x.ruleId().equals("a"))
                .first()
                .extracting(Refusal::reason)
                .asString()
                .contains("cycle");
    }

    @Test
    void aCorrelationOnARefusedRuleIsRefused() {
        List<Refusal> r = Harness.refusals("""
                title: Broken
                id: broken
                logsource: {category: test}
                detection:
                    sel:
                        Field|nosuchmodifier: x
                    condition: sel
                ---
                title: C
                id: c
                correlation: {type: event_count, rules: [broken], timespan: 5m, condition: {gte: 1}}
                """);
        assertThat(r).extracting(Refusal::ruleId).contains("broken", "c");
    }
}
