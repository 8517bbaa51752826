package dev.vigil.server.platform.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A Flyway migration that seals secrets a module stored in plain text. Subclasses are Spring beans (Spring Boot hands
 * {@link JavaMigration} beans to Flyway), so they get the server's {@link SecretBox} and its key. A Java migration
 * rather than a conversion at startup: it runs once, in the same PostgreSQL transaction as its schema changes (a
 * crash leaves everything as it was and the migration pending), under Flyway's lock (one node of a cluster
 * migrates), and a successful upgrade leaves no plain text behind.
 */
public abstract class SealingMigration implements JavaMigration {
    private final MigrationVersion version;
    private final String description;
    private final SecretBox secrets;

    /**
     * @param version the migration's version, e.g. {@code 8.003} (the {@code V8_003} of a SQL migration)
     */
    protected SealingMigration(String version, String description, SecretBox secrets) {
        this.version = MigrationVersion.fromVersion(version);
        this.description = description;
        this.secrets = secrets;
    }

    @Override
    public final MigrationVersion getVersion() {
        return version;
    }

    @Override
    public final String getDescription() {
        return description;
    }

    @Override
    public final Integer getChecksum() {
        return null;
    }

    @Override
    public final boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public final void migrate(Context context) throws SQLException {
        migrate(context.getConnection());
    }

    /** The migration, on Flyway's connection (in its transaction). */
    protected abstract void migrate(Connection connection) throws SQLException;

    /** Runs statements (schema changes) in order. */
    protected static void execute(Connection connection, String... sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /**
     * Seals every row that {@code select} returns: its columns are a key and the plain secret as bytes (for a text
     * column, {@code convert_to(column, 'UTF8')}, which {@link SecretBox#open} reads back); {@code update} gets the
     * sealed bytes and the key as its two parameters.
     *
     * @return the number of rows sealed
     */
    protected final int sealRows(Connection connection, String select, String update) throws SQLException {
        int n = 0;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(select);
                PreparedStatement u = connection.prepareStatement(update)) {
            while (rs.next()) {
                u.setBytes(1, secrets.sealBytes(rs.getBytes(2)));
                u.setObject(2, rs.getObject(1));
                u.addBatch();
                n++;
            }
            u.executeBatch();
        }
        return n;
    }
}
