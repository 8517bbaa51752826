package dev.vigil.server.platform.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.*} platform settings. See docs/configuration.md.
 *
 * @param dataDir the data directory ({@code --data-dir}, {@code VIGIL_DATA_DIR})
 * @param database the database settings
 */
@ConfigurationProperties("vigil")
public record PlatformProperties(
        @DefaultValue("./vigil-data") Path dataDir,
        @DefaultValue Database database) {

    /**
     * @param url JDBC URL of an external PostgreSQL; empty means the bundled PostgreSQL in {@code DATA_DIR/pg}
     * @param username user for the external database
     * @param password password for the external database
     * @param poolSize maximum JDBC connections
     * @param bundled settings of the bundled PostgreSQL
     */
    public record Database(
            String url,
            String username,
            String password,
            @DefaultValue("16") int poolSize,
            @DefaultValue Bundled bundled) {}

    /**
     * @param port TCP port on 127.0.0.1; 0 picks a free one at each start
     * @param startupTimeout how long to wait for the bundled PostgreSQL to accept connections
     * @param durable {@code fsync} and {@code synchronous_commit} on (the default; only tests turn it off)
     */
    public record Bundled(
            @DefaultValue("0") int port,
            @DefaultValue("120s") Duration startupTimeout,
            @DefaultValue("true") boolean durable) {}

    boolean external() {
        return database.url() != null && !database.url().isBlank();
    }
}
