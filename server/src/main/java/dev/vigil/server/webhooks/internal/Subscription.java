package dev.vigil.server.webhooks.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A webhook subscription as listed (never with its secret). */
record Subscription(
        UUID id,
        String name,
        String url,
        List<String> eventTypes,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt) {

    /** True when {@code type} matches one of the patterns: exact, {@code prefix.*}, or {@code *}. */
    boolean wants(String type) {
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
