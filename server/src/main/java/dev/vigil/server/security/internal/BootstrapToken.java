package dev.vigil.server.security.internal;

import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.access.Role;
import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.IssuedApiToken;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The first admin token (an integration api token with the role admin). With {@code VIGIL_BOOTSTRAP_API_TOKEN} set, an admin token with exactly that value is
 * created when it is not stored yet, so automation can talk to a fresh server without reading anything (the value
 * must be at least 16 characters; a revoked bootstrap token is not recreated on the next start unless its value
 * changes). Without it, a server that has no active admin token at all creates one and writes it to
 * {@code DATA_DIR/initial-admin-token} (mode 600, never logged), so a fresh {@code ./vigil server} is usable; revoke it
 * once you have issued your own tokens.
 */
@Component
class BootstrapToken implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(BootstrapToken.class);
    static final int MIN_LENGTH = 16;

    private final SecurityProperties properties;
    private final JdbcApiTokenService tokens;
    private final DataDirectory dataDirectory;

    BootstrapToken(SecurityProperties properties, JdbcApiTokenService tokens, DataDirectory dataDirectory) {
        this.properties = properties;
        this.tokens = tokens;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String value = properties.bootstrapApiToken();
        if (value == null || value.isBlank()) {
            if (tokens.activeAdminTokens() == 0) {
                writeInitialToken();
            }
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
        try {
            tokens.store(value, ApiScope.API, "bootstrap", null, null, Set.of(Role.ADMIN), null);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // another instance on the same database stored the same token between our check and our insert
            log.info("The admin API token 'bootstrap' was created by another instance");
            return;
        }
        log.info("Created the admin API token 'bootstrap' from VIGIL_BOOTSTRAP_API_TOKEN");
    }

    /** Issues the initial admin token and writes it to {@code DATA_DIR/initial-admin-token}; returns the file. */
    Path writeInitialToken() {
        IssuedApiToken issued = tokens.issueApiToken("initial-admin", null, Set.of(Role.ADMIN), null);
        Path file = dataDirectory.root().resolve("initial-admin-token");
        try {
            SecretFiles.write(file, issued.token());
        } catch (UncheckedIOException e) {
            tokens.revoke(issued.info().id());
            throw new UncheckedIOException("cannot write the initial admin token to " + file, e.getCause());
        }
        log.warn(
                "No admin API token existed: created 'initial-admin' and wrote it to {} (read it, then revoke it "
                        + "once you have issued your own tokens; or set VIGIL_BOOTSTRAP_API_TOKEN)",
                file);
        return file;
    }
}
