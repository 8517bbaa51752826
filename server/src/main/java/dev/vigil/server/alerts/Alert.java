package dev.vigil.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stored alert. {@code event} is the normalised event as JSON text; {@code tactics} are derived from the tags;
 * {@code eventId} is the stored event's id in the event store (null for correlations).
 */
public record Alert(
        UUID id,
        String ruleId,
        String ruleTitle,
        AlertLevel level,
        List<String> tags,
        List<String> tactics,
        String source,
        String application,
        Instant eventTime,
        Instant receivedAt,
        Instant createdAt,
        Map<String, String> entities,
        Map<String, String> matchedFields,
        String event,
        String raw,
        String correlation,
        Long eventId) {

    public Alert(
            UUID id,
            String ruleId,
            String ruleTitle,
            AlertLevel level,
            List<String> tags,
            List<String> tactics,
            String source,
            String application,
            Instant eventTime,
            Instant receivedAt,
            Instant createdAt,
            Map<String, String> entities,
            Map<String, String> matchedFields,
            String event,
            String raw,
            String correlation) {
        this(
                id,
                ruleId,
                ruleTitle,
                level,
                tags,
                tactics,
                source,
                application,
                eventTime,
                receivedAt,
                createdAt,
                entities,
                matchedFields,
                event,
                raw,
                correlation,
                null);
    }

    /** The exercise whose replay raised this alert, or null for a production alert. */
    public UUID exerciseId() {
        return dev.vigil.server.normalize.ExerciseTag.exerciseOf(source);
    }
}
