package dev.vigil.server.events.internal;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A store outside Spring, for recovery and tamper tests: its own data directory and its own migrated database in the
 * shared test PostgreSQL. Commit and refresh timers are long, so tests decide when the store commits and seals.
 */
final class StoreFixture implements AutoCloseable {
    final Path dir;
    final DataSource dataSource;
    final JdbcLedger ledger;
    final MutableClock clock;
    final Map<String, Integer> retention = new LinkedHashMap<>();
    int defaultRetention = 90;
    int sealBatch = 50_000;
    LuceneEventStore store;

    StoreFixture() throws IOException {
        dir = Files.createTempDirectory("vigil-events-test");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(TestPostgres.newDatabase());
        ds.setUser(TestPostgres.username());
        ds.setPassword(TestPostgres.password());
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .outOfOrder(true)
                .load()
                .migrate();
        dataSource = ds;
        ledger = new JdbcLedger(ds);
        clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    }

    LuceneEventStore open() throws IOException {
        return open(Duration.ofHours(1), false);
    }

    /** Opens with commits (and seals) every {@code commitInterval}. */
    LuceneEventStore open(Duration commitInterval, boolean bestCompression) throws IOException {
        store = LuceneEventStore.open(
                new LuceneEventStore.Options(
                        dir.resolve("events"),
                        commitInterval,
                        commitInterval.compareTo(Duration.ofHours(1)) >= 0
                                ? Duration.ofHours(1)
                                : Duration.ofSeconds(1),
                        commitInterval.compareTo(Duration.ofHours(1)) >= 0 ? 1 << 20 : 64L << 20,
                        0,
                        sealBatch,
                        commitInterval.compareTo(Duration.ofHours(1)) >= 0 ? 16 : 64,
                        bestCompression,
                        Duration.ofMinutes(10)),
                clock,
                ledger,
                s -> retention.getOrDefault(s, defaultRetention));
        return store;
    }

    /** Appends a batch, waits until durable, indexes it and (optionally) marks it evaluated. */
    List<IngestedEvent> ingest(List<IngestedEvent> events, boolean evaluate) throws Exception {
        DurableJournal.Entry e = store.append(events);
        e.durable().get(30, TimeUnit.SECONDS);
        e.index();
        if (evaluate) {
            e.evaluated();
        }
        return e.events();
    }

    IngestedEvent event(String source, Map<String, Object> fields) {
        Event ev = Event.of(fields).withLogsource(EventLogsource.of("test", "unit", null));
        Object ts = fields.get("ts");
        if (ts instanceof String t) {
            ev = ev.withTimestamp(Instant.parse(t));
        }
        return new IngestedEvent(source, "app-" + source, clock.instant(), fieldsText(fields), ev);
    }

    static String fieldsText(Map<String, Object> fields) {
        return fields.toString();
    }

    List<IngestedEvent> events(String source, int n, String tag) {
        List<IngestedEvent> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tag", tag);
            f.put("n", i);
            f.put("user", "user" + (i % 7));
            f.put("msg", "hello " + tag + " number " + i);
            l.add(event(source, f));
        }
        return l;
    }

    @Override
    public void close() throws IOException {
        if (store != null) {
            store.close();
        }
        Partition.deleteTree(dir);
    }

    /** A clock tests move. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant t) {
            now = t;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
