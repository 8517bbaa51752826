package dev.vigil.server.oncall.internal;

import dev.vigil.server.platform.crypto.SealingMigration;
import dev.vigil.server.platform.crypto.SecretBox;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.stereotype.Component;

/**
 * Migration {@code 8.004}: the keys in {@code oncall_secrets} (the HMAC key of acknowledge/resolve links) were stored
 * as raw bytes; they are sealed in place with the server's {@link SecretBox}, so that a database dump or backup no
 * longer lets its reader forge action links (acknowledge or resolve pages without signing in). The key itself stays
 * the same, so links already sent keep working.
 */
@Component
class SealOnCallSecretsMigration extends SealingMigration {
    SealOnCallSecretsMigration(SecretBox secrets) {
        super("8.004", "seal oncall secrets", secrets);
    }

    @Override
    protected void migrate(Connection c) throws SQLException {
        sealRows(
                c,
                "select name, value from oncall_secrets for update",
                "update oncall_secrets set value = ? where name = ?");
        execute(c, "comment on column oncall_secrets.value is 'AES-GCM sealed with the platform SecretBox'");
    }
}
