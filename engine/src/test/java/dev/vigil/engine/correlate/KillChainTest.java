package dev.vigil.engine.correlate;

import static dev.vigil.engine.correlate.Harness.ev;
import static dev.vigil.engine.correlate.Harness.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.Detection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Acceptance 3: kill-chain progression per entity, no storm, no firing for unrelated entities. */
class KillChainTest {
    static String tagged(String id, String type, String level, String tactic) {
        return rule(id, type, "level: " + level, "tags:\n    - attack." + tactic + "\n    - attack.t1000");
    }

    /** Six stages of an intrusion, each a rule with its tactic. */
    static final String STAGES = tagged("scan", "portscan", "low", "reconnaissance")
            + tagged("phish", "phish", "medium", "initial-access")
            + tagged("macro", "macro", "high", "execution")
            + tagged("runkey", "runkey", "high", "persistence")
            + tagged("uac", "uac", "high", "privilege-escalation")
            + tagged("lsass", "lsass", "critical", "credential_access")
            + rule("noise", "noise", "level: informational");

    static final String[] SCRIPT = {"portscan", "phish", "macro", "runkey", "uac", "lsass"};

    static KillChainConfig config(String yaml) {
        return KillChainConfig.parse(yaml);
    }

    static Harness harness(KillChainConfig kc) {
        return new Harness(
                Harness.rules(STAGES),
                CorrelationOptions.defaults().withAllowance(Duration.ZERO).withKillChain(kc));
    }

    static final KillChainConfig HOSTS = config("""
            kill-chain:
              window: 24h
              min-tactics: 4
              risk-threshold: 0
              entities:
                host: [Computer]
            """);

    @Test
    void aScriptedAttackOnOneHostFiresOnceWithTheRightChain() {
        Harness h = harness(HOSTS);
        for (int i = 0; i < SCRIPT.length; i++) {
            h.feed(ev(i * 600, "EventType", SCRIPT[i], "Computer", "ws-042", "User", "mallory"));
            h.feed(ev(i * 600 + 1, "EventType", "noise", "Computer", "ws-042"));
        }
        h.feed(ev(4000, "EventType", "macro", "Computer", "ws-042")); // more activity: still no second firing
        List<Detection> kc = h.firings("vigil-kill-chain");
        assertThat(kc).hasSize(1);
        Detection f = kc.get(0);
        assertThat(f.level()).isEqualTo("high");
        assertThat(f.correlation().type()).isEqualTo("kill_chain");
        assertThat(f.correlation().groupKey()).isEqualTo(Map.of("host", "ws-042"));
        assertThat(f.correlation().tactics())
                .containsExactly("reconnaissance", "initial-access", "execution", "persistence");
        assertThat(f.tags())
                .containsExactly(
                        "attack.reconnaissance", "attack.initial-access", "attack.execution", "attack.persistence");
        assertThat(f.correlation().contributing())
                .extracting(Detection::ruleId)
                .containsExactly("scan", "phish", "macro", "runkey");
        assertThat(f.correlation().windowEnd()).isEqualTo(Harness.T0.plusSeconds(1800));
        assertThat(f.correlation().value()).isEqualTo(10 + 25 + 50 + 50); // risk
        assertThat(f.correlation().explanation())
                .contains("host=ws-042")
                .contains("4 tactics advancing")
                .contains("reconnaissance [")
                .contains("-> persistence [")
                .contains("macro +50");
    }

    @Test
    void theSameDetectionsSpreadOverUnrelatedHostsDoNotFire() {
        Harness h = harness(config("""
                kill-chain:
                  min-tactics: 3
                """)); // default entities and risk threshold
        for (int i = 0; i < SCRIPT.length; i++) {
            h.feed(ev(i * 600, "EventType", SCRIPT[i], "Computer", "ws-" + i, "User", "user-" + i));
        }
        h.flush();
        assertThat(h.firings).isEmpty();
    }

    @Test
    void tacticsInReverseOrderDoNotAdvance() {
        Harness h = harness(HOSTS);
        for (int i = SCRIPT.length - 1; i >= 0; i--) {
            h.feed(ev((SCRIPT.length - i) * 60, "EventType", SCRIPT[i], "Computer", "ws-1"));
        }
        assertThat(h.firings).isEmpty();
    }

    @Test
    void stagesOutsideTheWindowDoNotChain() {
        Harness h = harness(config("""
                kill-chain: {window: 1h, min-tactics: 3, risk-threshold: 0, entities: {host: [Computer]}}
                """));
        h.feed(ev(0, "EventType", "portscan", "Computer", "h"), ev(1800, "EventType", "phish", "Computer", "h"));
        h.feed(ev(3601, "EventType", "macro", "Computer", "h")); // the scan left the window
        assertThat(h.firings).isEmpty();
        h.feed(ev(3700, "EventType", "runkey", "Computer", "h"));
        assertThat(h.firings).hasSize(1);
        assertThat(h.firings.get(0).correlation().tactics())
                .containsExactly("initial-access", "execution", "persistence");
    }

    @Test
    void riskFromDistinctRulesCrossesTheThresholdButOneNoisyRuleDoesNot() {
        KillChainConfig kc = config("""
                kill-chain: {min-tactics: 14, risk-threshold: 150, entities: {user: [User]}}
                """);
        Harness noisy = harness(kc);
        for (int i = 0; i < 20; i++) noisy.feed(ev(i, "EventType", "macro", "User", "bob"));
        assertThat(noisy.firings).isEmpty();

        Harness h = harness(kc);
        h.feed(ev(0, "EventType", "macro", "User", "bob"), ev(1, "EventType", "runkey", "User", "bob"));
        assertThat(h.firings).isEmpty();
        h.feed(ev(2, "EventType", "uac", "User", "bob"));
        assertThat(h.firings).hasSize(1);
        assertThat(h.firings.get(0).correlation().explanation()).contains("risk 150 >= 150");
        assertThat(h.firings.get(0).correlation().groupKey()).containsEntry("user", "bob");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        KillChainConfig d = KillChainConfig.defaults();
        assertThat(d.window()).isEqualTo(Duration.ofHours(24));
        assertThat(d.minTactics()).isEqualTo(3);
        assertThat(d.entities()).containsKeys("host", "user", "application");
        assertThat(config("kill-chain:\n  enabled: true\n")).isEqualTo(d);
    }

    @Test
    void invalidConfigurationIsRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> config("kill-chain: {windw: 1h}")).hasMessageContaining("windw");
        assertThatThrownBy(() -> config("kill-chain: {window: 1M}")).hasMessageContaining("kill-chain.window");
        assertThatThrownBy(() -> config("kill-chain: {min-tactics: 1}")).hasMessageContaining("min-tactics");
        assertThatThrownBy(() -> config("kill-chain: {weights: {severe: 3}}")).hasMessageContaining("severe");
        assertThatThrownBy(() -> config("kill-chain: {entities: {host: 3}}")).hasMessageContaining("entities.host");
        assertThat(KillChainConfig.enabled("kill-chain: {enabled: false}")).isFalse();
    }

    @Test
    void tagsMapToTacticsAndTechniquesDoNot() {
        assertThat(Tactic.fromTag("attack.initial_access")).isEqualTo(Tactic.INITIAL_ACCESS);
        assertThat(Tactic.fromTag("attack.Command-And-Control")).isEqualTo(Tactic.COMMAND_AND_CONTROL);
        assertThat(Tactic.fromTag("attack.t1059.001")).isNull();
        assertThat(Tactic.fromTag("attack.stealth").stage()).isEqualTo(Tactic.DEFENSE_EVASION.stage());
        assertThat(Tactic.fromTag("cve.2021-44228")).isNull();
    }
}
