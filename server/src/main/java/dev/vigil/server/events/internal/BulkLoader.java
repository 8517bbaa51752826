package dev.vigil.server.events.internal;

import dev.vigil.server.events.EventLoader;
import dev.vigil.server.events.StoreStatus;
import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link EventLoader} on the embedded store: the intake's path without HTTP and without detection. Each batch is
 * {@link LuceneEventStore#append appended} (canonical encoding, ids, write-ahead log, group commit fsync), then indexed
 * by one of {@code indexThreads} workers once durable, and marked evaluated (history is loaded, not alerted on: run a
 * retro-hunt over it). The store's own timer commits, seals batches into the hash chain and trims the log, as in the
 * server; {@link #finish} commits and seals the rest.
 */
public final class BulkLoader implements EventLoader {
    private final LuceneEventStore store;
    private final ExecutorService indexers;
    private final Semaphore inFlight;
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private boolean finished;

    private BulkLoader(LuceneEventStore store, int indexThreads) {
        this.store = store;
        this.indexers = Executors.newFixedThreadPool(
                indexThreads,
                r -> Thread.ofPlatform().name("vigil-load-index").daemon(true).unstarted(r));
        this.inFlight = new Semaphore(indexThreads * 2);
    }

    /**
     * Opens (and, after a crash, recovers) the store in {@code eventsDir} with the server's default settings.
     *
     * @param defaultRetentionDays days kept for a source without a stored setting ({@code event_retention})
     */
    public static BulkLoader open(Path eventsDir, DataSource dataSource, int defaultRetentionDays, int indexThreads)
            throws IOException {
        if (defaultRetentionDays < 1 || defaultRetentionDays > RetentionSettings.MAX_DAYS) {
            throw new IllegalArgumentException("retention days must be 1.." + RetentionSettings.MAX_DAYS);
        }
        if (indexThreads < 1 || indexThreads > 64) {
            throw new IllegalArgumentException("index threads must be 1..64");
        }
        Map<String, Integer> stored = new HashMap<>();
        new JdbcTemplate(dataSource).query("select source, retention_days from event_retention", rs -> {
            stored.put(rs.getString(1), rs.getInt(2));
        });
        LuceneEventStore.Options o = new LuceneEventStore.Options(
                eventsDir,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                64L << 20,
                0,
                50_000,
                64,
                false,
                Duration.ofMinutes(10));
        LuceneEventStore store = LuceneEventStore.open(
                o,
                Clock.systemUTC(),
                new JdbcLedger(dataSource),
                s -> Math.min(stored.getOrDefault(s, defaultRetentionDays), RetentionSettings.MAX_DAYS));
        return new BulkLoader(store, indexThreads);
    }

    @Override
    public void load(List<IngestedEvent> batch) throws IOException, InterruptedException {
        if (finished) {
            throw new IllegalStateException("the loader has finished");
        }
        rethrow();
        if (batch.isEmpty()) {
            return;
        }
        inFlight.acquire();
        DurableJournal.Entry e;
        try {
            e = store.append(batch);
        } catch (RuntimeException ex) {
            inFlight.release();
            throw ex;
        }
        indexers.execute(() -> {
            try {
                e.durable().get(5, TimeUnit.MINUTES);
                e.index();
                e.evaluated();
                loaded.addAndGet(e.events().size());
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                inFlight.release();
            }
        });
    }

    @Override
    public long loaded() {
        return loaded.get();
    }

    @Override
    public StoreStatus finish() throws IOException, InterruptedException {
        finished = true;
        indexers.shutdown();
        if (!indexers.awaitTermination(1, TimeUnit.HOURS)) {
            throw new IOException("indexing did not finish within an hour");
        }
        rethrow();
        store.checkpoint(); // commit, seal the rest into the chain, trim the log
        store.refresh();
        return store.status();
    }

    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw new IOException("storing events failed: " + t, t);
        }
    }

    @Override
    public void close() {
        indexers.shutdownNow();
        store.close();
    }
}
