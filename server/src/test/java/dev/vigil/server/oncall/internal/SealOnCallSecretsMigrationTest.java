package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.MigrationFixture;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Upgrading a database whose action-link key is stored raw (schema 8.002) on the real (bundled) PostgreSQL: the key is
 * sealed in place and is still the same key, so links sent before the upgrade keep verifying.
 */
class SealOnCallSecretsMigrationTest {
    @Test
    void theActionLinkKeyIsSealedAndStaysTheSameKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretBox box = SecretBox.load(
                Base64.getEncoder().encodeToString(new byte[32]), Path.of("unused"), "vigil.webhooks.secret-key");
        DataSource ds = MigrationFixture.databaseAt("8.002");
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("insert into oncall_secrets (name, value) values ('action-link-hmac', ?)")
                .param(key)
                .update();

        MigrationFixture.flyway(ds, new SealOnCallSecretsMigration(box)).load().migrate();

        byte[] stored = jdbc.sql("select value from oncall_secrets where name = 'action-link-hmac'")
                .query(byte[].class)
                .single();
        assertThat(stored).isNotEqualTo(key).hasSize(12 + 12 + 32 + 16); // header with key id, nonce, key, tag
        assertThat(box.openBytes(stored)).isEqualTo(key);
    }
}
