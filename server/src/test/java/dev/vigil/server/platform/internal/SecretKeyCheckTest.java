package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.MigrationFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Nodes on one database (the real bundled PostgreSQL) must share the at-rest key; one with another key stops. */
class SecretKeyCheckTest {
    @TempDir
    Path dir;

    @Test
    void aNodeWithAnotherKeyRefusesToStartAndOneWithTheSameKeyStarts() {
        SecretBox first = SecretBox.load(null, dir.resolve("first-key"), "vigil.webhooks.secret-key");
        JdbcClient jdbc = JdbcClient.create(MigrationFixture.migratedDatabase(first));
        new SecretKeyCheck(jdbc, first).afterSingletonsInstantiated();
        assertThatCode(() -> new SecretKeyCheck(jdbc, SecretBox.load(null, dir.resolve("first-key"), "k"))
                        .afterSingletonsInstantiated())
                .doesNotThrowAnyException();

        SecretBox other = SecretBox.load(null, dir.resolve("second-node-key"), "vigil.webhooks.secret-key");
        assertThatThrownBy(() -> new SecretKeyCheck(jdbc, other).afterSingletonsInstantiated())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("give every node the same key");
    }
}
