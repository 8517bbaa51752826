package dev.vigil.server.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.crypto.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The data directory, the clock and the database. Without {@code vigil.database.url} the bundled PostgreSQL is
 * started in {@code DATA_DIR/pg} (database {@code vigil}); with it, Vigil connects to that external PostgreSQL. The
 * DataSource depends on the database server bean, so Spring closes the pool before it stops PostgreSQL.
 */
@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {
    private static final Logger log = LoggerFactory.getLogger(PlatformConfiguration.class);
    static final String DATABASE = "vigil";

    @Bean
    DataDirectory dataDirectory(PlatformProperties properties) {
        DataDirectory dir = new DataDirectory(properties.dataDir());
        dir.directory(".");
        return dir;
    }

    /**
     * The one box that encrypts secrets at rest (webhook subscriptions, notification channels, the on-call action-link
     * key): its current key is {@code vigil.secrets.key} or, as before that name existed, {@code
     * vigil.webhooks.secret-key} (both set: they must agree), or a key generated in {@code DATA_DIR/webhook-key};
     * {@code vigil.secrets.previous-keys} (comma-separated) only open, during a key rotation. One key, not one per
     * module: the secrets are of one kind and face one threat (a database dump or backup), and every node of a
     * cluster must be given the same key, so a second key would only be a second thing to distribute and to lose.
     */
    @Bean
    SecretBox secretBox(Environment environment, DataDirectory dataDirectory) {
        // relaxed binding like @ConfigurationProperties: VIGIL_SECRETS_KEY, VIGIL_SECRETS_PREVIOUSKEYS, ...
        Binder binder = Binder.get(environment);
        String key = binder.bind(SECRETS_KEY, String.class).orElse(null);
        String legacy = binder.bind(LEGACY_SECRET_KEY, String.class).orElse(null);
        String property = SECRETS_KEY;
        if (key == null || key.isBlank()) {
            key = legacy;
            property = LEGACY_SECRET_KEY;
        } else if (legacy != null && !legacy.isBlank() && !legacy.strip().equals(key.strip())) {
            throw new IllegalStateException(SECRETS_KEY + " and " + LEGACY_SECRET_KEY + " are both set and differ: set"
                    + " only " + SECRETS_KEY + " (and the old key in " + PREVIOUS_KEYS + " while rotating)");
        }
        List<String> previous =
                binder.bind(PREVIOUS_KEYS, Bindable.listOf(String.class)).orElse(List.of());
        return SecretBox.load(key, previous, dataDirectory.root().resolve("webhook-key"), property);
    }

    static final String SECRETS_KEY = "vigil.secrets.key";
    static final String LEGACY_SECRET_KEY = "vigil.webhooks.secret-key";
    static final String PREVIOUS_KEYS = "vigil.secrets.previous-keys";

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    DatabaseServer databaseServer(PlatformProperties properties, DataDirectory dataDirectory) {
        PlatformProperties.Database db = properties.database();
        if (properties.external()) {
            log.info("Using the external PostgreSQL at {}", db.url());
            return new DatabaseServer(db.url(), db.username(), db.password(), null);
        }
        try {
            PlatformProperties.Bundled b = db.bundled();
            BundledPostgres pg = BundledPostgres.start(
                    dataDirectory.root().resolve("pg"),
                    dataDirectory.root().resolve("pg-password"),
                    b.port(),
                    b.startupTimeout(),
                    b.durable());
            try {
                pg.createDatabase(DATABASE);
            } catch (SQLException e) {
                pg.close();
                throw new IllegalStateException("cannot create the database " + DATABASE + ": " + e.getMessage(), e);
            }
            return new DatabaseServer(pg.jdbcUrl(DATABASE), BundledPostgres.USER, pg.password(), pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bundled PostgreSQL in " + dataDirectory.root(), e);
        }
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseServer server, PlatformProperties properties) {
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName("vigil");
        ds.setJdbcUrl(server.url());
        ds.setUsername(server.username());
        ds.setPassword(server.password());
        ds.setMaximumPoolSize(properties.database().poolSize());
        ds.setMinimumIdle(2);
        return ds;
    }

    /** Where the database is; owns the bundled PostgreSQL when there is one. */
    record DatabaseServer(String url, String username, String password, BundledPostgres bundled)
            implements AutoCloseable {
        @Override
        public void close() {
            if (bundled != null) {
                bundled.close();
            }
        }

        @Override
        public String toString() {
            return "DatabaseServer[" + url + "]";
        }
    }
}
