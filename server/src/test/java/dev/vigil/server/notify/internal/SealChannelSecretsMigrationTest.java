package dev.vigil.server.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.MigrationFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Upgrading a database whose notification channel secrets are plain text (schema 8.002) on the real (bundled)
 * PostgreSQL: afterwards every secret is sealed and opens to what it was, no plain-text column is left, and a
 * migration that fails half-way leaves the table as it was, so the next start converts it.
 */
class SealChannelSecretsMigrationTest {
    static final SecretBox BOX = SecretBox.load(
            Base64.getEncoder().encodeToString(new byte[32]), Path.of("unused"), "vigil.webhooks.secret-key");

    DataSource ds;
    JdbcClient jdbc;
    UUID signed = UUID.randomUUID();
    UUID unsigned = UUID.randomUUID();
    UUID slack = UUID.randomUUID();
    String slackUrl = "https://hooks.slack.com/services/T000/B000/" + UUID.randomUUID();
    String hookUrl = "https://relay:pw@hooks.example.org:8443/vigil?token=" + UUID.randomUUID();
    String secret = "plain-signing-secret-" + UUID.randomUUID();

    @BeforeEach
    void legacyDatabase() {
        ds = MigrationFixture.databaseAt("8.002");
        jdbc = JdbcClient.create(ds);
        Timestamp now = Timestamp.from(Instant.parse("2026-11-01T10:00:00Z"));
        String insert = "insert into notify_channels (id, name, type, address, secret, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?, ?, ?)";
        jdbc.sql(insert)
                .params(signed, "soc hook", "webhook", hookUrl, secret, now, now)
                .update();
        jdbc.sql(insert)
                .params(unsigned, "mail", "email", "soc@example.org", null, now, now)
                .update();
        jdbc.sql(insert)
                .params(slack, "soc room", "slack", slackUrl, null, now, now)
                .update();
    }

    @Test
    void theUpgradeSealsEveryPlainSecretAndDropsThePlainColumn() {
        MigrationFixture.flyway(ds, new SealChannelSecretsMigration(BOX)).load().migrate();

        byte[] stored = jdbc.sql("select secret_box from notify_channels where id = ?")
                .param(signed)
                .query(byte[].class)
                .single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(BOX.open(stored)).isEqualTo(secret);
        assertThat(jdbc.sql("select secret_box is null from notify_channels where id = ?")
                        .param(unsigned)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(columns()).contains("secret_box").doesNotContain("secret");
        // secret-bearing URLs: sealed, and only their masked form (no user info, path or query) left in the clear
        assertThat(address(signed)).isEqualTo("https://hooks.example.org:8443/…");
        assertThat(BOX.open(addressBox(signed))).isEqualTo(hookUrl);
        assertThat(address(slack)).isEqualTo("https://hooks.slack.com/…");
        assertThat(BOX.open(addressBox(slack))).isEqualTo(slackUrl);
        assertThat(new String(addressBox(slack), StandardCharsets.ISO_8859_1)).doesNotContain("services");
        assertThat(address(unsigned)).isEqualTo("soc@example.org");
        assertThat(addressBox(unsigned)).isNull();
        // recorded: a second run has nothing to do (and does not seal twice)
        assertThat(MigrationFixture.flyway(ds, new SealChannelSecretsMigration(BOX))
                        .load()
                        .migrate()
                        .migrationsExecuted)
                .isZero();
        assertThat(BOX.open(jdbc.sql("select secret_box from notify_channels where id = ?")
                        .param(signed)
                        .query(byte[].class)
                        .single()))
                .isEqualTo(secret);
    }

    @Test
    void aCrashHalfWayLeavesThePlainTableForTheNextStart() {
        SealChannelSecretsMigration crashing = new SealChannelSecretsMigration(BOX) {
            @Override
            protected void migrate(Connection c) throws SQLException {
                super.migrate(c);
                throw new SQLException("power failure");
            }
        };
        assertThatThrownBy(() -> MigrationFixture.flyway(ds, crashing).load().migrate())
                .isInstanceOf(FlywayException.class);
        assertThat(columns()).contains("secret").doesNotContain("secret_box", "address_box");
        assertThat(address(slack)).isEqualTo(slackUrl);
        assertThat(jdbc.sql("select secret from notify_channels where id = ?")
                        .param(signed)
                        .query(String.class)
                        .single())
                .isEqualTo(secret);

        MigrationFixture.flyway(ds, new SealChannelSecretsMigration(BOX)).load().migrate();
        assertThat(columns()).doesNotContain("secret");
        assertThat(BOX.open(jdbc.sql("select secret_box from notify_channels where id = ?")
                        .param(signed)
                        .query(byte[].class)
                        .single()))
                .isEqualTo(secret);
    }

    private String address(UUID id) {
        return jdbc.sql("select address from notify_channels where id = ?")
                .param(id)
                .query(String.class)
                .single();
    }

    private byte[] addressBox(UUID id) {
        return jdbc.sql("select address_box from notify_channels where id = ?")
                .param(id)
                .query(byte[].class)
                .optional()
                .orElse(null);
    }

    private List<String> columns() {
        return jdbc.sql("select column_name from information_schema.columns where table_name = 'notify_channels'")
                .query(String.class)
                .list();
    }
}
