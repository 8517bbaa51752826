package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.platform.audit.ChainVerification;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.testing.MigrationFixture;
import dev.vigil.server.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Key rotation on the real bundled PostgreSQL, migrated as the server migrates it: every sealed table gets boxes of
 * the old key (current format and the legacy format without key id); a rotation re-seals all of them with the new key
 * in audited batches; interrupted, it leaves every box readable with old and new key configured and resumes; a box no
 * configured key opens is reported and left alone; {@link SecretKeyCheck} refuses a node without a needed key and
 * accepts one with only the new key after the rotation.
 */
class SecretRotationTest {
    static final String OLD = key('o');
    static final String NEW = key('n');
    static final String STRANGER = key('s');

    @TempDir
    Path dir;

    DataSource ds;
    JdbcClient jdbc;
    TransactionTemplate tx;
    SecretBox oldOnly;
    SecretBox rotating;
    SecretBox newOnly;
    /** Every seeded box's plain text, by table.column and row key. */
    final Map<String, String> plain = new HashMap<>();

    static String key(char c) {
        return Base64.getEncoder().encodeToString(String.valueOf(c).repeat(32).getBytes(StandardCharsets.US_ASCII));
    }

    @BeforeEach
    void seed() {
        oldOnly = SecretBox.load(OLD, dir.resolve("unused"), "vigil.secrets.key");
        rotating = SecretBox.load(NEW, List.of(OLD), dir.resolve("unused"), "vigil.secrets.key");
        newOnly = SecretBox.load(NEW, dir.resolve("unused"), "vigil.secrets.key");
        ds = MigrationFixture.migratedDatabase(oldOnly);
        jdbc = JdbcClient.create(ds);
        tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        jdbc.sql("create table test_audit (seq bigserial, action text, object_id text, after_json text)")
                .update();
        new SecretKeyCheck(jdbc, oldOnly).afterSingletonsInstantiated(); // the canary, sealed with the old key
        plain.put("platform_secrets.value/key-check", SecretKeyCheck.CANARY);
        Timestamp now = Timestamp.from(Instant.now());
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            String secret = "whsec-" + i + "-" + id;
            byte[] box = i < 2 ? TestSecrets.legacy(OLD, secret) : oldOnly.seal(secret);
            jdbc.sql("insert into webhook_subscriptions (id, name, url, secret, event_types, created_at, updated_at)"
                            + " values (?, ?, 'https://example.test/hook', ?, '{}', ?, ?)")
                    .params(id, "hook-" + i, box, now, now)
                    .update();
            plain.put("webhook_subscriptions.secret/" + id, secret);
        }
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            String url = "https://hooks.slack.example/services/T0/B0/" + i;
            String secret = i == 0 ? null : "channel-hmac-" + i;
            jdbc.sql("insert into notify_channels (id, name, type, address, address_box, secret_box, created_at,"
                            + " updated_at) values (?, ?, 'slack', 'https://hooks.slack.example/…', ?, ?, ?, ?)")
                    .params(
                            id,
                            "chan-" + i,
                            oldOnly.seal(url),
                            secret == null ? null : TestSecrets.legacy(OLD, secret),
                            now,
                            now)
                    .update();
            plain.put("notify_channels.address_box/" + id, url);
            if (secret != null) {
                plain.put("notify_channels.secret_box/" + id, secret);
            }
        }
        jdbc.sql("insert into oncall_secrets (name, value) values ('action-link-hmac', ?)")
                .param(TestSecrets.legacy(OLD, "action-link-key"))
                .update();
        plain.put("oncall_secrets.value/action-link-hmac", "action-link-key");
    }

    SecretRotation rotation(SecretBox box) {
        return new SecretRotation(jdbc, tx, box, new TableAudit(jdbc));
    }

    /** Every sealed box: table.column/key → bytes. */
    Map<String, byte[]> boxes() {
        Map<String, byte[]> out = new HashMap<>();
        for (SealedColumns.SealedColumn c : SealedColumns.ALL) {
            jdbc.sql("select " + c.key() + ", " + c.column() + " from " + c.table() + " where " + c.column()
                            + " is not null")
                    .query(rs -> {
                        out.put(c.name() + "/" + rs.getObject(1), rs.getBytes(2));
                    });
        }
        return out;
    }

    void assertEveryBoxOpensWith(SecretBox box) {
        Map<String, byte[]> boxes = boxes();
        assertThat(boxes.keySet()).containsExactlyInAnyOrderElementsOf(plain.keySet());
        boxes.forEach((k, v) -> assertThat(box.open(v)).as(k).isEqualTo(plain.get(k)));
    }

    List<String> audit(String action) {
        return jdbc.sql("select object_id from test_audit where action = ? order by seq")
                .param(action)
                .query(String.class)
                .list();
    }

    @Test
    void aRotationReSealsEveryTableWithTheNewKeySoTheOldKeyCanBeRemoved() {
        assertThatThrownBy(() -> new SecretKeyCheck(jdbc, newOnly).afterSingletonsInstantiated())
                .as("a node given only the new key before the rotation refuses to start")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vigil.secrets.previous-keys");
        assertThatCode(() -> new SecretKeyCheck(jdbc, rotating).afterSingletonsInstantiated())
                .doesNotThrowAnyException();

        SecretRotation.Result r = rotation(rotating).rotate(2, SecretRotation.BatchListener.NONE);

        Map<String, Long> resealed = r.columns().stream()
                .collect(Collectors.toMap(c -> c.table() + "." + c.column(), SecretRotation.ColumnResult::resealed));
        assertThat(resealed)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "platform_secrets.value", 1L,
                        "webhook_subscriptions.secret", 5L,
                        "notify_channels.secret_box", 2L,
                        "notify_channels.address_box", 3L,
                        "oncall_secrets.value", 1L));
        assertThat(r.resealed()).isEqualTo(12);
        assertThat(r.complete()).isTrue();
        assertThat(r.keyId()).isEqualTo(newOnly.keyId());
        assertThat(boxes().values())
                .allSatisfy(b -> assertThat(SecretBox.keyIdOf(b)).contains(newOnly.keyId()));
        assertEveryBoxOpensWith(newOnly);
        assertThatCode(() -> new SecretKeyCheck(jdbc, newOnly).afterSingletonsInstantiated())
                .as("after the rotation the old key can go")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> oldOnly.open(boxes().get("oncall_secrets.value/action-link-hmac")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(newOnly.keyId());

        // audited: one entry per batch that changed rows (5 webhook rows in batches of 2: 3), and a summary
        assertThat(audit("secrets_resealed"))
                .containsExactly(
                        "platform_secrets.value",
                        "webhook_subscriptions.secret",
                        "webhook_subscriptions.secret",
                        "webhook_subscriptions.secret",
                        "notify_channels.secret_box",
                        "notify_channels.address_box",
                        "notify_channels.address_box",
                        "oncall_secrets.value");
        assertThat(audit("secrets_rotated")).containsExactly(newOnly.keyId());

        // running it again changes nothing
        SecretRotation.Result again = rotation(newOnly).rotate();
        assertThat(again.resealed()).isZero();
        assertThat(again.columns().stream()
                        .mapToLong(SecretRotation.ColumnResult::alreadyCurrent)
                        .sum())
                .isEqualTo(12);
        assertThat(audit("secrets_resealed")).hasSize(8);
    }

    @Test
    void anInterruptedRotationLeavesEveryBoxReadableWithBothKeysAndResumes() {
        int[] webhookBatches = {0};
        SecretRotation.BatchListener crashInSecondWebhookBatch = (column, n) -> {
            if (column.table().equals("webhook_subscriptions") && ++webhookBatches[0] == 2) {
                throw new IllegalStateException("simulated crash");
            }
        };
        assertThatThrownBy(() -> rotation(rotating).rotate(2, crashInSecondWebhookBatch))
                .hasMessage("simulated crash");

        // the first webhook batch committed, the second rolled back whole; the later tables were not reached
        Map<String, Long> byKey = boxes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("webhook_subscriptions."))
                .collect(Collectors.groupingBy(
                        e -> SecretBox.keyIdOf(e.getValue()).orElse("legacy"), Collectors.counting()));
        assertThat(byKey).containsEntry(newOnly.keyId(), 2L);
        assertThat(byKey.getOrDefault(newOnly.keyId(), 0L)).isEqualTo(2L);
        assertThat(audit("secrets_resealed")).containsExactly("platform_secrets.value", "webhook_subscriptions.secret");
        assertThat(audit("secrets_rotated")).isEmpty();

        // mid-rotation: a node with new + old key opens everything, old-only and new-only nodes do not
        assertEveryBoxOpensWith(rotating);
        assertThatThrownBy(() -> new SecretKeyCheck(jdbc, newOnly).afterSingletonsInstantiated())
                .hasMessageContaining("webhook_subscriptions.secret: 3")
                .hasMessageContaining("oncall_secrets.value: 1");
        assertThatThrownBy(() -> new SecretKeyCheck(jdbc, oldOnly).afterSingletonsInstantiated())
                .hasMessageContaining(newOnly.keyId());

        // resumed: the rest is re-sealed, what the first run did is skipped
        SecretRotation.Result r = rotation(rotating).rotate(2, SecretRotation.BatchListener.NONE);
        SecretRotation.ColumnResult webhooks = r.columns().stream()
                .filter(c -> c.table().equals("webhook_subscriptions"))
                .findFirst()
                .orElseThrow();
        assertThat(webhooks.resealed()).isEqualTo(3);
        assertThat(webhooks.alreadyCurrent()).isEqualTo(2);
        assertThat(r.resealed()).isEqualTo(12 - 1 - 2);
        assertThat(r.complete()).isTrue();
        assertEveryBoxOpensWith(newOnly);
        new SecretKeyCheck(jdbc, newOnly).afterSingletonsInstantiated();
    }

    @Test
    void aBoxNoConfiguredKeyOpensIsReportedLeftAsItIsAndStopsANode() {
        SecretBox stranger = SecretBox.load(STRANGER, dir.resolve("unused"), "vigil.secrets.key");
        UUID id = UUID.randomUUID();
        byte[] foreign = stranger.seal("sealed elsewhere");
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("insert into webhook_subscriptions (id, name, url, secret, event_types, created_at, updated_at)"
                        + " values (?, 'foreign', 'https://example.test/x', ?, '{}', ?, ?)")
                .params(id, foreign, now, now)
                .update();

        SecretRotation.Result r = rotation(rotating).rotate();
        SecretRotation.ColumnResult webhooks = r.columns().stream()
                .filter(c -> c.table().equals("webhook_subscriptions"))
                .findFirst()
                .orElseThrow();
        assertThat(webhooks.resealed()).isEqualTo(5);
        assertThat(webhooks.unreadable()).isEqualTo(1);
        assertThat(webhooks.unreadableRows()).containsExactly(id.toString());
        assertThat(r.complete()).isFalse();
        assertThat(jdbc.sql("select secret from webhook_subscriptions where id = ?")
                        .param(id)
                        .query(byte[].class)
                        .single())
                .isEqualTo(foreign);
        assertThat(jdbc.sql("select after_json from test_audit where action = 'secrets_rotated'")
                        .query(String.class)
                        .single())
                .contains("\"complete\":false");

        assertThatThrownBy(() -> new SecretKeyCheck(jdbc, newOnly).afterSingletonsInstantiated())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("webhook_subscriptions.secret: 1");
        assertThatThrownBy(() -> newOnly.open(foreign))
                .hasMessageContaining("sealed with key " + stranger.keyId())
                .hasMessageContaining("which this node does not have");
        assertThat(rotation(rotating).status().columns())
                .filteredOn(s -> s.table().equals("webhook_subscriptions"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.unreadable()).isEqualTo(1);
                    assertThat(s.byKey()).containsExactly(Map.entry(newOnly.keyId(), 5L));
                });
    }

    @Test
    void everyByteaColumnIsEitherSealedOrKnownToHoldNoSecret() {
        Set<String> notSecrets = Set.of(
                "api_tokens.token_hash", // SHA-256 of the token (security)
                "detection_correlation_state.snapshot",
                "event_chain.head_digest",
                "event_verifications.head_digest",
                "scheduled_tasks.task_data",
                "audit_log.prev_hash",
                "audit_log.hash",
                "audit_checkpoints.head_hash",
                "event_batches.content_digest",
                "event_batches.set_digest",
                "event_batches.prev_digest",
                "event_batches.digest");
        Set<String> sealed =
                SealedColumns.ALL.stream().map(SealedColumns.SealedColumn::name).collect(Collectors.toSet());
        List<String> bytea = jdbc.sql(
                        "select table_name || '.' || column_name from information_schema.columns"
                                + " where table_schema = 'public' and data_type = 'bytea' and table_name <> 'flyway_schema_history'")
                .query(String.class)
                .list();
        assertThat(bytea).containsAll(sealed);
        assertThat(bytea.stream().filter(c -> !sealed.contains(c) && !notSecrets.contains(c)))
                .as("a bytea column that is neither in SealedColumns nor known to hold no secret")
                .isEmpty();
    }

    /** The audit log as a plain table in the caller's transaction (rolled back with a failed batch). */
    record TableAudit(JdbcClient jdbc) implements AuditLog {
        @Override
        public AuditEntry record(String action, String objectType, String objectId, Object before, Object after) {
            return record(Actor.SYSTEM, action, objectType, objectId, before, after);
        }

        @Override
        public AuditEntry record(
                Actor actor, String action, String objectType, String objectId, Object before, Object after) {
            jdbc.sql("insert into test_audit (action, object_id, after_json) values (?, ?, ?)")
                    .params(action, objectId, JdbcAuditLog.canonical(after))
                    .update();
            return null;
        }

        @Override
        public Page<AuditEntry> find(AuditQuery query, PageQuery page) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void forEach(AuditQuery query, Consumer<AuditEntry> consumer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChainVerification verify() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChainVerification lastVerification() {
            throw new UnsupportedOperationException();
        }
    }
}
