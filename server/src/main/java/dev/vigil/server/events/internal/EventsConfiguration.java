package dev.vigil.server.events.internal;

import dev.vigil.server.detection.RuleEvaluators;
import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.AccessControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the event store (it is also the intake pipeline's durable journal). */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    RetentionSettings retentionSettings(
            DataSource dataSource, EventsProperties properties, TransactionTemplate tx, AuditLog audit) {
        return new RetentionSettings(new JdbcTemplate(dataSource), properties.retention(), tx, audit);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcLedger eventLedger(DataSource dataSource) {
        return new JdbcLedger(dataSource);
    }

    /** Opens (and recovers) the store before intake can start; closed after the pipeline on shutdown. */
    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    LuceneEventStore eventStore(
            EventsProperties p,
            DataDirectory dataDirectory,
            JdbcLedger ledger,
            Clock clock,
            RetentionSettings retention) {
        String compression = p.compression().strip().toLowerCase(java.util.Locale.ROOT);
        if (!compression.equals("best-speed") && !compression.equals("best-compression")) {
            throw new IllegalArgumentException("vigil.events.compression must be best-speed or best-compression");
        }
        LuceneEventStore.Options o = new LuceneEventStore.Options(
                dataDirectory.directory("events"),
                p.commitInterval(),
                p.refreshInterval(),
                p.walSegmentSize().toBytes(),
                p.walMaxDelay().toMillis(),
                p.sealBatchEvents(),
                p.ramBuffer().toBytes() / (1024.0 * 1024.0),
                compression.equals("best-compression"),
                p.idleWriterClose());
        try {
            LuceneEventStore store = LuceneEventStore.open(o, clock, ledger, retention::daysFor);
            store.search().timeout(p.searchTimeout());
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the event store in " + o.dir() + ": " + e.getMessage(), e);
        }
    }

    @Bean(destroyMethod = "close")
    IntegrityVerifications integrityVerifications(
            LuceneEventStore store, DataSource dataSource, JsonMapper json, Clock clock) {
        return new IntegrityVerifications(store, new JdbcTemplate(dataSource), json, clock);
    }

    @Bean(destroyMethod = "close")
    HuntService retroHunts(
            LuceneEventStore store,
            RuleEvaluators evaluators,
            DataSource dataSource,
            JsonMapper json,
            Clock clock,
            EventsProperties p,
            AccessControl access,
            AuditLog audit,
            TransactionTemplate tx) {
        return new HuntService(
                store,
                evaluators,
                new JdbcTemplate(dataSource),
                json,
                clock,
                p.hunt().threads(),
                p.hunt().maxKeptMatches(),
                access,
                audit,
                tx);
    }

    @Bean
    RetentionJob retentionJob(LuceneEventStore store, DataDirectory dataDirectory, Clock clock, AuditLog audit) {
        return new RetentionJob(store, dataDirectory.directory("events").resolve("partitions"), clock, audit);
    }
}
