package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.crypto.SecretBox;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a node whose at-rest key is not the one the database's secrets are sealed with (a second node
 * given no {@code vigil.webhooks.secret-key} generates a key of its own): such a node would start, then fail every
 * signed webhook, notification and acknowledge link. The first node to start seals a known text into {@code
 * platform_secrets}; every start opens it. Runs after all beans, so after the migrations.
 */
@Component
class SecretKeyCheck implements SmartInitializingSingleton {
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
        try {
            if (CANARY.equals(box.open(stored))) {
                return;
            }
        } catch (IllegalStateException e) {
            // below
        }
        throw new IllegalStateException("the at-rest key (vigil.webhooks.secret-key, or DATA_DIR/webhook-key when it is"
                + " empty) is not the key this database's secrets are sealed with: give every node the same key (the"
                + " first node's setting, or the content of its DATA_DIR/webhook-key)");
    }
}
