package dev.vigil.server.detection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.detection.RuleStats;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@VigilServerTest
class RuleStatsRegistryTest {
    @Autowired
    RuleStatsRegistry stats;

    @Autowired
    JdbcClient jdbc;

    @Test
    void countersAreWrittenToTheDatabaseAndSurviveARestart() {
        String ref = "stats-" + UUID.randomUUID();
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        stats.matched(ref, at);
        stats.matched(ref, at.plusSeconds(1));
        stats.suppressed(ref);
        stats.failed(ref, "regex too slow", at);
        stats.flush();

        RuleStatsRegistry restarted = new RuleStatsRegistry(jdbc);
        restarted.load();
        RuleStats s = restarted.stats(ref);
        assertThat(s.matches()).isEqualTo(2);
        assertThat(s.suppressed()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.lastMatch()).isEqualTo(at.plusSeconds(1));
        assertThat(s.lastError()).isEqualTo("regex too slow");
    }
}
