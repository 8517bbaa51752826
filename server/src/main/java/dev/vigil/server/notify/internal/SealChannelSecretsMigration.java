package dev.vigil.server.notify.internal;

import dev.vigil.server.platform.crypto.SealingMigration;
import dev.vigil.server.platform.crypto.SecretBox;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.stereotype.Component;

/**
 * Migration {@code 8.003}: notification channel secrets (the HMAC keys of signed webhooks) were stored in plain text
 * in {@code notify_channels.secret}; they move to {@code secret_box}, sealed with the server's {@link SecretBox}, and
 * the plain-text column is dropped. Secret-bearing addresses (chat webhook URLs, which are credentials themselves)
 * are sealed into {@code address_box}, {@code address} keeping their masked form. All in one transaction.
 */
@Component
class SealChannelSecretsMigration extends SealingMigration {
    /** Scheme (group 1) and host[:port] (group 2) of a URL, skipping user info. */
    private static final String URL = "^([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#@]*@)?([^/?#@]*)";

    SealChannelSecretsMigration(SecretBox secrets) {
        super("8.003", "seal notify channel secrets", secrets);
    }

    @Override
    protected void migrate(Connection c) throws SQLException {
        execute(c, "alter table notify_channels add column secret_box bytea, add column address_box bytea");
        sealRows(
                c,
                "select id, convert_to(secret, 'UTF8') from notify_channels where secret is not null",
                "update notify_channels set secret_box = ? where id = ?");
        // every built-in type but e-mail has a secret-bearing URL (NotificationChannel.addressIsSecret), and so has a
        // type of a plug-in by default: sealed, and address keeps only scheme://host[:port]/… (no user info, path)
        sealRows(
                c,
                "select id, convert_to(address, 'UTF8') from notify_channels where type <> 'email'",
                "update notify_channels set address_box = ? where id = ?");
        execute(
                c,
                "update notify_channels set address = case when address ~ '" + URL + "' then regexp_replace(address, '"
                        + URL + ".*$', '\\1\\2/…') else '…' end where address_box is not null",
                "alter table notify_channels drop column secret",
                "comment on column notify_channels.address_box is"
                        + " 'secret-bearing URL (chat and signed webhooks), AES-GCM sealed; address holds it masked'",
                "comment on column notify_channels.secret_box is"
                        + " 'HMAC key of signed webhooks, AES-GCM sealed (platform SecretBox); never returned by the API'");
    }
}
