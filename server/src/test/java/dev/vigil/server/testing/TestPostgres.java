package dev.vigil.server.testing;

import dev.vigil.server.platform.internal.BundledPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;

/**
 * ONE bundled PostgreSQL per test JVM (the same io.zonky binaries the server uses), started on first use in a
 * temporary directory with durability off (fsync and synchronous_commit off: tests need speed, not crash safety) and
 * stopped after Spring has closed the test contexts (a Spring Boot shutdown handler). Each Spring test context gets a fresh database from {@link #newDatabase()}, so contexts
 * never see each other's rows; keep the number of distinct contexts small (see {@link VigilServerTest}).
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Spring contexts using the server: closed before it stops, so none of them loses its database mid-close. */
    private static final java.util.List<org.springframework.context.ConfigurableApplicationContext> CONTEXTS =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private static BundledPostgres instance;
    private static Path directory;

    private TestPostgres() {}

    /** The shared server, started on first call. */
    public static synchronized BundledPostgres instance() {
        if (instance == null) {
            try {
                directory = Files.createTempDirectory("vigil-test-pg");
                instance = BundledPostgres.start(
                        directory.resolve("pg"), directory.resolve("pg-password"), 0, Duration.ofSeconds(120), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test PostgreSQL", e);
            }
            // Stop after Spring has closed every application context of this JVM: Spring Boot runs its shutdown
            // handlers after the contexts (a plain JVM shutdown hook would race them, and the contexts' pools and
            // schedulers would then fail against a stopped database and delay the JVM's exit).
            SpringApplication.getShutdownHandlers().add(TestPostgres::stop);
        }
        return instance;
    }

    /** Creates a new, empty database and returns its JDBC URL. */
    public static String newDatabase() {
        BundledPostgres pg = instance();
        String name = "vigil_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try {
            pg.createDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return pg.jdbcUrl(name);
    }

    /** Registers a context to close (or wait for) before the server stops at JVM exit. */
    public static void closeBeforeStop(org.springframework.context.ConfigurableApplicationContext context) {
        CONTEXTS.add(context);
    }

    public static String username() {
        return BundledPostgres.USER;
    }

    public static String password() {
        return instance().password();
    }

    private static synchronized void stop() {
        // Spring closes its test contexts from its own shutdown hook, concurrently with this one: close them here
        // first (a close already in progress on the other hook is waited for), so that no context loses its database
        // while it still writes to it (which hung the JVM's exit until Surefire killed it)
        for (var c : CONTEXTS) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        if (instance != null) {
            instance.close();
            instance = null;
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temp directory
            }
        }
    }
}
