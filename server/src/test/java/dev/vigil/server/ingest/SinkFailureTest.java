package dev.vigil.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.server.testing.VigilServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The failures the alert store really throws, classified: produced by the real PostgreSQL JDBC driver, the real
 * connection pool and Spring's exception translation (an unreachable server, a server that ends the session, a
 * statement timeout; a value PostgreSQL refuses, a duplicate key; a missing table), not constructed by hand.
 */
@VigilServerTest
class SinkFailureTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

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
    void aSessionTheServerEndsAndAStatementTimeoutAreOutages() {
        Throwable terminated = catchThrowable(() -> new TransactionTemplate(transactions)
                .execute(s -> jdbc.queryForObject("select pg_terminate_backend(pg_backend_pid())", Boolean.class)));
        assertThat(SinkFailure.of(terminated)).as(terminated.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);

        Throwable timeout = catchThrowable(() -> new TransactionTemplate(transactions).execute(s -> {
            jdbc.execute("set local statement_timeout = '20ms'");
            return jdbc.queryForObject("select pg_sleep(5) is null", Boolean.class);
        }));
        assertThat(SinkFailure.of(timeout)).as(timeout.toString()).isEqualTo(SinkFailure.Kind.OUTAGE);
        // the pool recovered: the next statement works
        assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
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
