package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.platform.crypto.SecretKeyRotation.ColumnStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a node that cannot open the database's secrets, instead of starting and then failing every signed
 * webhook, notification and acknowledge link:
 *
 * <ul>
 *   <li>a node whose keys are not those the database's secrets are sealed with (a second node given no {@code
 *       vigil.secrets.key} generates a key of its own): the first node to start seals a known text into {@code
 *       platform_secrets}, every start opens it;
 *   <li>a node from which a key was removed too early (before a rotation re-sealed every box, or with boxes no
 *       configured key opens): every sealed column ({@link SealedColumns}) is opened, and the refusal names the
 *       columns and counts.
 * </ul>
 *
 * After a rotation it confirms: it logs how many boxes are still under a previous key (run the rotation) or that the
 * previous keys are no longer needed (remove them). Runs after all beans, so after the migrations.
 */
@Component
class SecretKeyCheck implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(SecretKeyCheck.class);
    static final String NAME = "key-check";
    static final String CANARY = "vigil at-rest key check";

    private final JdbcClient jdbc;
    private final SecretBox box;

    SecretKeyCheck(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    @Override
    public void afterSingletonsInstantiated() {
        jdbc.sql("insert into platform_secrets (name, value) values (?, ?) on conflict (name) do nothing")
                .params(NAME, box.seal(CANARY))
                .update();
        byte[] stored = jdbc.sql("select value from platform_secrets where name = ?")
                .param(NAME)
                .query(byte[].class)
                .single();
        String problem;
        try {
            problem = CANARY.equals(box.open(stored)) ? null : "the key check opened to another text";
        } catch (IllegalStateException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            throw new IllegalStateException("the at-rest key (vigil.secrets.key, or DATA_DIR/webhook-key when it is"
                    + " empty) is not the key this database's secrets are sealed with: give every node the same key"
                    + " (the first node's setting, or the content of its DATA_DIR/webhook-key), and keep a replaced"
                    + " key in vigil.secrets.previous-keys until a rotation has re-sealed every secret (" + problem
                    + ")");
        }
        List<ColumnStatus> status = SecretRotation.status(jdbc, box, SealedColumns.ALL);
        List<String> unreadable = new ArrayList<>();
        long notCurrent = 0;
        Set<String> used = new HashSet<>();
        for (ColumnStatus c : status) {
            if (c.unreadable() > 0) {
                unreadable.add(c.table() + "." + c.column() + ": " + c.unreadable());
            }
            for (var e : c.byKey().entrySet()) {
                used.add(e.getKey());
                if (!e.getKey().equals(box.keyId())) {
                    notCurrent += e.getValue();
                }
            }
        }
        if (!unreadable.isEmpty()) {
            throw new IllegalStateException("stored secrets open with none of this node's at-rest keys (current "
                    + box.keyId() + ", previous " + box.previousKeyIds() + "): " + unreadable + ". Configure the key"
                    + " they were sealed with in vigil.secrets.previous-keys, start, and re-seal them with POST"
                    + " /api/v1/system/secrets/rotate");
        }
        if (notCurrent > 0) {
            log.warn(
                    "{} stored secret(s) are not sealed with the current at-rest key {}: re-seal them (POST"
                            + " /api/v1/system/secrets/rotate) before removing a previous key",
                    notCurrent,
                    box.keyId());
        } else if (!box.previousKeyIds().isEmpty()) {
            log.info(
                    "every stored secret is sealed with the current at-rest key {}; the previous key(s) {} are no"
                            + " longer needed and can be removed from vigil.secrets.previous-keys",
                    box.keyId(),
                    box.previousKeyIds().stream()
                            .filter(id -> !used.contains(id))
                            .toList());
        }
    }
}
