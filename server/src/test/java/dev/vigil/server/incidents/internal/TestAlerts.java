package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AttackTactics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Synthetic alerts for the incident tests (what detection would raise, without an engine). */
final class TestAlerts {
    private TestAlerts() {}

    /**
     * An alert with a fresh id, the tactics of its tags, one instant as event, receive and creation time, no matched
     * fields, a small event document and no raw line, correlation or stored event.
     */
    static Alert alert(
            String ruleId,
            String title,
            AlertLevel level,
            List<String> tags,
            String source,
            String application,
            Instant at,
            Map<String, String> entities) {
        return new Alert(
                UUID.randomUUID(),
                ruleId,
                title,
                level,
                tags,
                AttackTactics.of(tags),
                source,
                application,
                at,
                at,
                at,
                entities,
                Map.of(),
                "{\"k\":\"v\"}",
                null,
                null);
    }
}
