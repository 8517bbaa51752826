package dev.vigil.server.alerts;

import java.time.Instant;

/**
 * Filters for listing alerts; null means "any". Results are newest first.
 *
 * @param minLevel at least this level
 * @param ruleId exactly this rule
 * @param source exactly this log source
 * @param application exactly this application
 * @param tag alerts carrying this tag (e.g. {@code attack.t1110} or {@code attack.credential-access})
 * @param entity alerts with an entity value equal to this (any entity kind: user, host, IP, ...)
 * @param from created at or after
 * @param to created before
 * @param page zero-based page
 * @param size page size (1..500)
 */
public record AlertQuery(
        AlertLevel minLevel,
        String ruleId,
        String source,
        String application,
        String tag,
        String entity,
        Instant from,
        Instant to,
        int page,
        int size) {

    public static final int MAX_SIZE = 500;

    public AlertQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE);
        }
    }

    public static AlertQuery all(int size) {
        return new AlertQuery(null, null, null, null, null, null, null, null, 0, size);
    }
}
