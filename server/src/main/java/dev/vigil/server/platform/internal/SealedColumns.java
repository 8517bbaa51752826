package dev.vigil.server.platform.internal;

import java.util.List;

/**
 * Every database column that holds {@link dev.vigil.server.platform.crypto.SecretBox} boxes, with the key that
 * addresses a row: what a key rotation re-seals and what {@link SecretKeyCheck} checks at start. The columns belong
 * to other modules' tables; they are listed here (names, not code) because the platform owns the key and must reach
 * every box sealed with it. A module that seals a new column adds it here; {@code SecretRotationTest} fails for a
 * {@code bytea} column that is neither listed here nor known to hold no secret.
 */
final class SealedColumns {
    private SealedColumns() {}

    /** A sealed column: {@code table.column}, rows addressed by {@code key} (unique, ordered). */
    record SealedColumn(String table, String key, String column) {
        String name() {
            return table + "." + column;
        }
    }

    static final List<SealedColumn> ALL = List.of(
            new SealedColumn("platform_secrets", "name", "value"),
            new SealedColumn("webhook_subscriptions", "id", "secret"),
            new SealedColumn("notify_channels", "id", "secret_box"),
            new SealedColumn("notify_channels", "id", "address_box"),
            new SealedColumn("oncall_secrets", "name", "value"));
}
