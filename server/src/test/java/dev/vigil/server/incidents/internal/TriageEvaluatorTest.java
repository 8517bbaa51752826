package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.TriageResult;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.inventory.Criticality;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Triage precedence: the first matching rule that sets an attribute decides it; stop; suppress; defaults. */
class TriageEvaluatorTest {

    static Alert alert(String rule, AlertLevel level, String app, List<String> tags, Map<String, String> entities) {
        return TestAlerts.alert(
                rule, "Rule " + rule, level, tags, "src", app, Instant.parse("2026-02-01T10:00:00Z"), entities);
    }

    static TriageRule rule(String name, TriageRule.When when, TriageRule.Then then, String action, boolean stop) {
        return new TriageRule(null, name, null, 0, true, when, then, action, stop, false, null);
    }

    static TriageRule.When when(String minLevel, List<String> tags, String minCriticality) {
        return new TriageRule.When(minLevel, null, null, null, tags, null, null, null, minCriticality, null, null);
    }

    static TriageRule.Then then(String severity, Integer priority, String classification, String playbook) {
        return new TriageRule.Then(severity, priority, classification, null, playbook, null, null, null);
    }

    static TriageResult eval(Alert a, List<TriageRule> rules, Map<String, Criticality> inventory) {
        return TriageEvaluator.evaluate(
                a,
                rules,
                app -> Optional.ofNullable(inventory.get(app)),
                List.of("rule", "entities"),
                Duration.ofHours(1));
    }

    @Test
    void theFirstMatchingRuleThatSetsAnAttributeDecidesItAndLaterRulesOnlyFillGaps() {
        List<TriageRule> rules = List.of(
                rule("critical-app", when("high", null, "critical"), then("critical", 1, null, null), null, false),
                rule(
                        "brute-force",
                        when(null, List.of("attack.t1110"), null),
                        then("medium", 3, "intrusion-attempts/brute-force", "credential-compromise"),
                        null,
                        false),
                rule("catch-all", null, then("low", 5, "other/other", "phishing"), null, false));
        Alert a = alert(
                "r1",
                AlertLevel.HIGH,
                "shop",
                List.of("attack.credential-access", "attack.t1110.001"),
                Map.of("src_ip", "203.0.113.9"));

        TriageResult r = eval(a, rules, Map.of("shop", Criticality.CRITICAL));
        assertThat(r.severity()).isEqualTo(IncidentSeverity.CRITICAL);
        assertThat(r.priority()).isEqualTo(1);
        assertThat(r.classification()).isEqualTo(new Classification("intrusion-attempts", "brute-force"));
        assertThat(r.playbook()).isEqualTo("credential-compromise");
        assertThat(r.decidedBy())
                .containsEntry("severity", "critical-app")
                .containsEntry("priority", "critical-app")
                .containsEntry("classification", "brute-force")
                .containsEntry("playbook", "brute-force");
        assertThat(r.matched()).containsExactly("critical-app", "brute-force", "catch-all");

        // The same alert on a low-criticality application skips the first rule.
        TriageResult low = eval(a, rules, Map.of("shop", Criticality.LOW));
        assertThat(low.severity()).isEqualTo(IncidentSeverity.MEDIUM);
        assertThat(low.decidedBy()).containsEntry("severity", "brute-force");
    }

    @Test
    void stopEndsTheEvaluationAndSuppressOpensNoIncident() {
        List<TriageRule> rules = List.of(
                rule(
                        "quiet",
                        new TriageRule.When(
                                null, List.of("informational"), null, null, null, null, null, null, null, null, null),
                        null,
                        "suppress",
                        true),
                rule("everything", null, then("high", null, null, null), null, false));
        TriageResult info = eval(alert("r", AlertLevel.INFORMATIONAL, null, List.of(), Map.of()), rules, Map.of());
        assertThat(info.suppressed()).isTrue();
        assertThat(info.matched()).containsExactly("quiet");

        TriageResult high = eval(alert("r", AlertLevel.MEDIUM, null, List.of(), Map.of()), rules, Map.of());
        assertThat(high.suppressed()).isFalse();
        assertThat(high.severity()).isEqualTo(IncidentSeverity.HIGH);
        assertThat(high.priority()).as("derived from the decided severity").isEqualTo(2);
        assertThat(high.decidedBy()).containsEntry("priority", "default (severity)");
    }

    @Test
    void withoutMatchingRulesTheAlertDecides() {
        TriageResult r = eval(alert("r", AlertLevel.MEDIUM, null, List.of(), Map.of()), List.of(), Map.of());
        assertThat(r.severity()).isEqualTo(IncidentSeverity.MEDIUM);
        assertThat(r.priority()).isEqualTo(3);
        assertThat(r.classification()).isEqualTo(Classification.UNDETERMINED);
        assertThat(r.decidedBy()).containsEntry("severity", "default").containsEntry("classification", "default");
        assertThat(r.groupWindow()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void disabledRulesAndUnknownApplicationsDoNotMatch() {
        TriageRule disabled = new TriageRule(
                null, "off", null, 0, false, null, then("critical", 1, null, null), null, false, false, null);
        TriageRule critical =
                rule("critical-app", when(null, null, "critical"), then("critical", 1, null, null), null, false);
        TriageResult r = eval(
                alert("r", AlertLevel.LOW, "not-in-inventory", List.of(), Map.of()),
                List.of(disabled, critical),
                Map.of());
        assertThat(r.severity()).isEqualTo(IncidentSeverity.LOW);
        assertThat(r.matched()).isEmpty();
    }

    @Test
    void groupKeysDependOnlyOnTheChosenPartsAndAbsentEntitiesCount() {
        Alert a = alert("r1", AlertLevel.HIGH, "shop", List.of(), Map.of("src_ip", "198.51.100.1", "user", "bob"));
        Alert b = alert("r2", AlertLevel.LOW, "shop", List.of(), Map.of("src_ip", "198.51.100.1", "user", "eve"));
        Alert c = alert("r1", AlertLevel.HIGH, "shop", List.of(), Map.of("user", "bob"));
        List<String> byIp = List.of("application", "entity:src_ip");
        assertThat(TriageEvaluator.groupKey(byIp, a)).isEqualTo(TriageEvaluator.groupKey(byIp, b));
        assertThat(TriageEvaluator.groupKey(byIp, a)).isNotEqualTo(TriageEvaluator.groupKey(byIp, c));
        assertThat(TriageEvaluator.groupKey(List.of("rule", "entities"), a))
                .isNotEqualTo(TriageEvaluator.groupKey(List.of("rule", "entities"), b));
        assertThat(TriageEvaluator.fingerprint(a)).isNotEqualTo(TriageEvaluator.fingerprint(c));
    }
}
