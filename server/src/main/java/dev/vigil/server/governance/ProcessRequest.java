package dev.vigil.server.governance;

/**
 * Create or change a process. On update, null fields stay unchanged (the key cannot change).
 *
 * @param kind {@code detection}, {@code response} or {@code other}
 * @param reviewIntervalDays null: 365
 */
public record ProcessRequest(
        String key, String title, String kind, String owner, String escalationPath, Integer reviewIntervalDays) {}
