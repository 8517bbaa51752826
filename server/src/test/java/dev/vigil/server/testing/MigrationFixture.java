package dev.vigil.server.testing;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Upgrade tests of Flyway migrations on the shared {@link TestPostgres}: a fresh database migrated up to an older
 * version (as an installation before the upgrade), then upgraded with the server's Java migrations as Spring Boot
 * would run them.
 */
public final class MigrationFixture {
    private MigrationFixture() {}

    /** A fresh database with the SQL migrations up to {@code version} applied. */
    public static DataSource databaseAt(String version) {
        DataSource ds = new DriverManagerDataSource(
                TestPostgres.newDatabase(), TestPostgres.username(), TestPostgres.password());
        flyway(ds).target(version).load().migrate();
        return ds;
    }

    /**
     * A fresh database migrated as the server migrates it: every SQL migration and every Java migration of the server
     * (the {@link JavaMigration} components under {@code dev.vigil.server}, module-internal, found by classpath
     * scanning and constructed with {@code box}).
     */
    public static DataSource migratedDatabase(dev.vigil.server.platform.crypto.SecretBox box) {
        DataSource ds = new DriverManagerDataSource(
                TestPostgres.newDatabase(), TestPostgres.username(), TestPostgres.password());
        var scanner = new org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new org.springframework.core.type.filter.AssignableTypeFilter(JavaMigration.class));
        java.util.List<JavaMigration> java = new java.util.ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("dev.vigil.server")) {
            try {
                var ctor = Class.forName(candidate.getBeanClassName())
                        .getDeclaredConstructor(dev.vigil.server.platform.crypto.SecretBox.class);
                ctor.setAccessible(true);
                java.add((JavaMigration) ctor.newInstance(box));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct " + candidate.getBeanClassName(), e);
            }
        }
        flyway(ds, java.toArray(JavaMigration[]::new)).load().migrate();
        return ds;
    }

    /** The server's Flyway configuration ({@code application.yaml}) with these Java migrations. */
    public static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
            DataSource ds, JavaMigration... javaMigrations) {
        return Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .outOfOrder(true)
                .javaMigrations(javaMigrations);
    }
}
