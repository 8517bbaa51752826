package dev.vigil.server.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription as listed (never with its secret).
 *
 * @param eventTypes patterns: an exact type, {@code prefix.*}, or {@code *}
 */
public record WebhookSubscription(
        UUID id,
        String name,
        String url,
        List<String> eventTypes,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    public WebhookSubscription {
        eventTypes = List.copyOf(eventTypes);
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
