package dev.vigil.server.security.internal;

import dev.vigil.server.security.ApiScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * {@code VIGIL_BOOTSTRAP_API_TOKEN}: creates an admin token with exactly that value when it is not stored yet, so
 * automation can talk to a fresh server without reading its logs. The value must be at least 16 characters; once
 * stored it stays until revoked through the API, and a revoked bootstrap token is not recreated on the next start.
 */
@Component
class BootstrapToken implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);
    static final int MIN_LENGTH = 16;

    private final SecurityProperties properties;
    private final JdbcApiTokenService tokens;

    BootstrapToken(SecurityProperties properties, JdbcApiTokenService tokens) {
        this.properties = properties;
        this.tokens = tokens;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String value = properties.bootstrapApiToken();
        if (value == null || value.isBlank()) {
            return;
        }
        value = value.strip();
        if (value.length() < MIN_LENGTH) {
            throw new IllegalStateException("VIGIL_BOOTSTRAP_API_TOKEN must be at least " + MIN_LENGTH
                    + " characters (use e.g. `openssl rand -hex 32`)");
        }
        if (tokens.exists(value)) {
            return;
        }
        tokens.store(value, ApiScope.ADMIN, "bootstrap", null, null);
        log.info("Created the admin API token 'bootstrap' from VIGIL_BOOTSTRAP_API_TOKEN");
    }
}
