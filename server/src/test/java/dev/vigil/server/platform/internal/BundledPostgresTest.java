package dev.vigil.server.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled PostgreSQL as a server runs it: durable settings, password-only access on 127.0.0.1, data that
 * survives a restart, and a postmaster orphaned by a JVM killed with SIGKILL that does not block the next start.
 */
class BundledPostgresTest {

    @TempDir
    Path dir;

    @Test
    void aKilledJvmLeavesAPostmasterThatTheNextStartStopsAndTheDataSurvives() throws Exception {
        Path pgDir = dir.resolve("pg");
        Path secret = dir.resolve("pg-password");
        // A separate JVM starts the database, writes a row, reports readiness, and is then killed with SIGKILL.
        Process child = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChildServer.class.getName(),
                        pgDir.toString(),
                        secret.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                // skip the child's log output
            }
            assertThat(line).as("child reported READY").isEqualTo("READY");
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long orphan = Long.parseLong(
                Files.readAllLines(pgDir.resolve("postmaster.pid")).getFirst().trim());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        try (BundledPostgres pg = BundledPostgres.start(pgDir, secret, 0, Duration.ofSeconds(60), true)) {
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            try (Connection c = pg.connect("vigil");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select note from survivor")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("committed before SIGKILL");
            }
            assertThat(setting(pg, "fsync")).isEqualTo("on");
            assertThat(setting(pg, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(pg, "full_page_writes")).isEqualTo("on");
            assertThat(setting(pg, "listen_addresses")).isEqualTo("127.0.0.1");

            Properties wrong = new Properties();
            wrong.setProperty("user", BundledPostgres.USER);
            wrong.setProperty("password", "not-the-password");
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("vigil"), wrong))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThat(Files.getPosixFilePermissions(secret))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
        assertThat(Files.exists(pgDir.resolve("postmaster.pid"))).isFalse();
    }

    private static String setting(BundledPostgres pg, String name) throws SQLException {
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Child JVM main: starts the bundled database, commits a row, prints READY, then waits to be killed. */
    public static final class ChildServer {
        public static void main(String[] args) throws Exception {
            BundledPostgres pg =
                    BundledPostgres.start(Path.of(args[0]), Path.of(args[1]), 0, Duration.ofSeconds(60), true);
            pg.createDatabase("vigil");
            try (Connection c = pg.connect("vigil");
                    Statement s = c.createStatement()) {
                s.execute("create table survivor (note text)");
                s.execute("insert into survivor values ('committed before SIGKILL')");
            }
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5));
            List.of(pg).forEach(BundledPostgres::close);
        }
    }
}
