package dev.vigil.server.platform;

import dev.vigil.server.platform.internal.BundledPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Opens the bundled database of a data directory without Spring (offline tools: {@code ./vigil audit verify}). When
 * the server is running, connects to its PostgreSQL (port from {@code pg/postmaster.pid}); otherwise starts the
 * bundled PostgreSQL for the duration of the tool and stops it on {@link #close()}.
 */
public final class LocalDatabase implements AutoCloseable {
    private final Connection connection;
    private final BundledPostgres started;

    private LocalDatabase(Connection connection, BundledPostgres started) {
        this.connection = connection;
        this.started = started;
    }

    public static LocalDatabase open(Path dataDir) throws IOException, SQLException {
        Path root = dataDir.toAbsolutePath().normalize();
        Path pg = root.resolve("pg");
        Path secret = root.resolve("pg-password");
        if (!Files.isDirectory(pg) || !Files.isRegularFile(secret)) {
            throw new IOException("no bundled database in " + root + " (is this Vigil's data directory?)");
        }
        String password = Files.readString(secret, StandardCharsets.UTF_8).strip();
        Integer port = runningPort(pg);
        if (port != null) {
            return new LocalDatabase(connect(port, password), null);
        }
        BundledPostgres bundled = BundledPostgres.start(pg, secret, 0, Duration.ofSeconds(120), true);
        try {
            return new LocalDatabase(connect(bundled.port(), password), bundled);
        } catch (SQLException e) {
            bundled.close();
            throw e;
        }
    }

    /** The port of a live postmaster of this cluster, or null. */
    private static Integer runningPort(Path pg) throws IOException {
        Path pid = pg.resolve("postmaster.pid");
        if (!Files.isRegularFile(pid)) {
            return null;
        }
        List<String> lines = Files.readAllLines(pid);
        if (lines.size() < 4) {
            return null;
        }
        try {
            long p = Long.parseLong(lines.get(0).strip());
            if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
                return Integer.parseInt(lines.get(3).strip());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", BundledPostgres.USER);
        props.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/vigil", props);
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.close();
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }
}
