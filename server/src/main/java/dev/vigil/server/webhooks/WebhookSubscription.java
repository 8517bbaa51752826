package dev.vigil.server.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription as listed (never with its secret).
 *
 * @param eventTypes patterns: an exact type, {@code prefix.*}, or {@code *}
 * @param includeExercises whether events stemming from a replay exercise (its alerts and incidents) are delivered too;
 *     false by default: a SOAR or ticketing system must not open real tickets for a drill
 */
public record WebhookSubscription(
        UUID id,
        String name,
        String url,
        List<String> eventTypes,
        boolean enabled,
        boolean includeExercises,
        Instant createdAt,
        Instant updatedAt) {

    public WebhookSubscription {
        eventTypes = List.copyOf(eventTypes);
    }

    /** True when an event of {@code type} is for this subscription: exercise events only when it includes them. */
    public boolean wants(String type, boolean exercise) {
        return (!exercise || includeExercises) && wants(type);
    }

    /** True when {@code type} matches one of the patterns. */
    public boolean wants(String type) {
        for (String p : eventTypes) {
            if (p.equals("*")
                    || p.equals(type)
                    || (p.endsWith(".*") && type.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
