package dev.vigil.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.server.testing.TestPostgres;
import dev.vigil.server.testing.VigilServerTest;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The failures the alert store really throws, classified: produced by the real PostgreSQL JDBC driver, the real
 * connection pool and Spring's exception translation (an unreachable server, a server that ends the session, a pool
 * without a free connection; a statement timeout, a serialization failure; a value PostgreSQL refuses, a duplicate
 * key; a missing table; a socket read timeout), not constructed by hand (the shapes of a connect timeout and a reset
 * connection are, as a test cannot reliably make the network do that).
 */
@VigilServerTest
class SinkFailureTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Value("${vigil.database.url}")
    String databaseUrl;

    @Test
    void aDatabaseThatCannotBeReachedIsAnOutage() {
        // nothing listens on port 1: connection refused
        DriverManagerDataSource down =
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/vigil?connectTimeout=2", "vigil", "x");
        Throwable plain = catchThrowable(() -> new JdbcTemplate(down).queryForObject("select 1", Integer.class));
        assertThat(SinkFailure.of(plain)).as(plain.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);
        // the way the alert store meets it: @Transactional cannot begin
        Throwable inTransaction = catchThrowable(() -> new TransactionTemplate(new DataSourceTransactionManager(down))
                .execute(s -> new JdbcTemplate(down).queryForObject("select 1", Integer.class)));
        assertThat(SinkFailure.of(inTransaction)).as(inTransaction.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);
    }

    @Test
    void aSessionTheServerEndsIsAnOutage() {
        // 57P01 admin shutdown: the server ends the session
        Throwable terminated = catchThrowable(() -> new TransactionTemplate(transactions)
                .execute(s -> jdbc.queryForObject("select pg_terminate_backend(pg_backend_pid())", Boolean.class)));
        assertThat(SinkFailure.of(terminated)).as(terminated.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);
        // the pool recovered: the next statement works
        assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
    }

    @Test
    void aPoolThatCannotHandOutAConnectionIsAnOutage() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(jdbc.getDataSource());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (HikariDataSource pool = new HikariDataSource(config);
                Connection held = pool.getConnection()) {
            assertThat(held.isValid(1)).isTrue();
            Throwable exhausted =
                    catchThrowable(() -> new JdbcTemplate(pool).queryForObject("select 1", Integer.class));
            assertThat(exhausted).isNotNull();
            assertThat(SinkFailure.of(exhausted)).as(exhausted.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);
        }
    }

    @Test
    void aStatementTimeoutIsAStatementFailureNotAnOutage() throws Exception {
        // SET statement_timeout: PostgreSQL cancels the statement (SQLState 57014) — the server is up, the statement
        // is slow; waiting for the "outage" to end would hold ingest forever
        Throwable timeout = catchThrowable(() -> new TransactionTemplate(transactions).execute(s -> {
            jdbc.execute("set local statement_timeout = '20ms'");
            return jdbc.queryForObject("select pg_sleep(5) is null", Boolean.class);
        }));
        assertThat(timeout).isNotNull();
        assertThat(SinkFailure.of(timeout)).as(timeout.toString()).isEqualTo(SinkFailure.Kind.STATEMENT);

        // a session-level SET statement_timeout (autocommit) on a connection of its own
        try (Connection c = jdbc.getDataSource().getConnection()) {
            JdbcTemplate session = new JdbcTemplate(new SingleConnectionDataSource(c, true));
            session.execute("set statement_timeout = '20ms'");
            try {
                Throwable slow = catchThrowable(() ->
                        session.queryForObject("select count(*) from generate_series(1, 1000000000)", Long.class));
                assertThat(slow).isNotNull();
                assertThat(SinkFailure.of(slow)).as(slow.toString()).isEqualTo(SinkFailure.Kind.STATEMENT);
            } finally {
                session.execute("reset statement_timeout");
            }
        }

        // the JDBC query timeout (Statement.setQueryTimeout, Spring's JdbcTemplate#setQueryTimeout)
        JdbcTemplate withTimeout = new JdbcTemplate(jdbc.getDataSource());
        withTimeout.setQueryTimeout(1);
        Throwable query =
                catchThrowable(() -> withTimeout.queryForObject("select pg_sleep(10) is null", Boolean.class));
        assertThat(query).isNotNull();
        assertThat(SinkFailure.of(query)).as(query.toString()).isEqualTo(SinkFailure.Kind.STATEMENT);

        // the pool is fine afterwards
        assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
    }

    @Test
    void aSocketReadTimeoutIsAStatementFailureButAConnectTimeoutOrResetIsAnOutage() throws Exception {
        // pgjdbc's socketTimeout (seconds) shorter than the statement: the driver gives up reading the answer and
        // closes the connection (08006 over SocketTimeoutException "Read timed out"). The server is up; the statement
        // did not finish in time — held as an outage, one slow record would block ingest until shutdown.
        String url = databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "socketTimeout=1";
        try (Connection c =
                java.sql.DriverManager.getConnection(url, TestPostgres.username(), TestPostgres.password())) {
            assertThat(c.isValid(1)).isTrue();
            Throwable read = catchThrowable(() -> new JdbcTemplate(new SingleConnectionDataSource(c, true))
                    .queryForObject("select pg_sleep(3) is null", Boolean.class));
            assertThat(read).isNotNull();
            assertThat(java.util.stream.Stream.iterate(read, t -> t != null, Throwable::getCause))
                    .as("the driver's own failure")
                    .anySatisfy(t -> assertThat(t).isInstanceOf(java.net.SocketTimeoutException.class));
            assertThat(SinkFailure.of(read)).as(read.toString()).isEqualTo(SinkFailure.Kind.STATEMENT);
        }
        // the same without the driver's SQLState (a wrapper that dropped it)
        assertThat(SinkFailure.of(new org.springframework.dao.RecoverableDataAccessException(
                        "x", new java.net.SocketTimeoutException("Read timed out"))))
                .isEqualTo(SinkFailure.Kind.STATEMENT);

        // the shapes pgjdbc gives a connect timeout (08001, "Connect timed out") and a reset connection (08006 over
        // a SocketException): outages, as is a refused connection (aDatabaseThatCannotBeReachedIsAnOutage)
        assertThat(SinkFailure.of(new java.sql.SQLException(
                        "The connection attempt failed.",
                        "08001",
                        new java.net.SocketTimeoutException("Connect timed out"))))
                .isEqualTo(SinkFailure.Kind.OUTAGE);
        assertThat(SinkFailure.of(new java.sql.SQLException(
                        "An I/O error occurred while sending to the backend.",
                        "08006",
                        new java.net.SocketException("Connection reset"))))
                .isEqualTo(SinkFailure.Kind.OUTAGE);
        assertThat(SinkFailure.of(new java.net.SocketTimeoutException("Connect timed out")))
                .isEqualTo(SinkFailure.Kind.OUTAGE);
        // a read timeout while the connection is being set up (startup, authentication) is a server not answering
        assertThat(SinkFailure.of(new java.sql.SQLException(
                        "The connection attempt failed.",
                        "08001",
                        new java.net.SocketTimeoutException("Read timed out"))))
                .isEqualTo(SinkFailure.Kind.OUTAGE);
    }

    @Test
    void serializationFailuresAndDeadlocksAreStatementFailures() {
        // raised by PostgreSQL itself with the codes it uses for a serialization failure and a deadlock victim
        for (String state : new String[] {"40001", "40P01"}) {
            Throwable rolledBack = catchThrowable(() -> new TransactionTemplate(transactions).execute(s -> {
                jdbc.execute(
                        "do $$ begin raise exception 'rolled back (test)' using errcode = '" + state + "'; end $$");
                return null;
            }));
            assertThat(rolledBack).isNotNull();
            assertThat(SinkFailure.of(rolledBack)).as(rolledBack.toString()).isEqualTo(SinkFailure.Kind.STATEMENT);
        }
        // and by type, where no SQLState is carried
        assertThat(SinkFailure.of(new org.springframework.dao.QueryTimeoutException("timeout")))
                .isEqualTo(SinkFailure.Kind.STATEMENT);
        assertThat(SinkFailure.of(new org.springframework.dao.CannotAcquireLockException("lock")))
                .isEqualTo(SinkFailure.Kind.STATEMENT);
        assertThat(SinkFailure.of(new java.sql.SQLTimeoutException("timeout"))).isEqualTo(SinkFailure.Kind.STATEMENT);
        // a state decides over the wrapper: a 57014 inside a transient-resource exception is still a statement
        assertThat(SinkFailure.of(new org.springframework.dao.TransientDataAccessResourceException(
                        "x", new java.sql.SQLException("canceling statement due to statement timeout", "57014"))))
                .isEqualTo(SinkFailure.Kind.STATEMENT);
        // and 57P0x is an outage
        assertThat(SinkFailure.of(new java.sql.SQLException("the database system is shutting down", "57P03")))
                .isEqualTo(SinkFailure.Kind.OUTAGE);
    }

    @Test
    void aValueTheDatabaseRefusesIsARecordError() {
        Throwable invalid = catchThrowable(() -> jdbc.queryForObject("select 'abc'::int", Integer.class));
        assertThat(SinkFailure.of(invalid)).as(invalid.toString()).isEqualTo(SinkFailure.Kind.RECORD);

        Throwable nul =
                catchThrowable(() -> jdbc.queryForObject("select ?::jsonb", String.class, "{\"a\":\"\\u0000\"}"));
        assertThat(SinkFailure.of(nul)).as(nul.toString()).isEqualTo(SinkFailure.Kind.RECORD);

        Throwable duplicate = catchThrowable(() -> new TransactionTemplate(transactions).execute(s -> {
            jdbc.execute("create temporary table sink_failure_dup (k int primary key) on commit drop");
            jdbc.update("insert into sink_failure_dup values (1)");
            return jdbc.update("insert into sink_failure_dup values (1)");
        }));
        assertThat(SinkFailure.of(duplicate)).as(duplicate.toString()).isEqualTo(SinkFailure.Kind.RECORD);
    }

    @Test
    void otherFailuresAreUnknown() {
        Throwable missing = catchThrowable(() -> jdbc.queryForObject("select 1 from no_such_table", Integer.class));
        assertThat(SinkFailure.of(missing)).as(missing.toString()).isEqualTo(SinkFailure.Kind.UNKNOWN);
        assertThat(SinkFailure.of(new IllegalStateException("a detection bug"))).isEqualTo(SinkFailure.Kind.UNKNOWN);
        // a cause chain with a cycle ends
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        assertThat(SinkFailure.of(a)).isEqualTo(SinkFailure.Kind.UNKNOWN);
    }
}
