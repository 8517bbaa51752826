package dev.vigil.server.events;

import dev.vigil.server.events.internal.BulkLoader;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;

/**
 * Loads events into a data directory's event store without the server ({@code vigil events load}: importing history,
 * filling a store for benchmarks). The events take the intake's store path — canonical encoding, ids, the write-ahead
 * log's fsynced group commit, the daily partitions, batches sealed into the hash chain in PostgreSQL — but not
 * detection: they are marked evaluated (run a retro-hunt over them). The store admits one process at a time, so the
 * server must be stopped. Not thread-safe: one thread calls {@link #load}.
 */
public interface EventLoader extends AutoCloseable {

    /**
     * Opens the store in {@code eventsDir} (the data directory's {@code events}), recovering it after a crash.
     *
     * @param dataSource the data directory's database (the chain's ledger, per-source retention)
     * @param defaultRetentionDays days kept for a source without a stored retention setting
     * @param indexThreads threads indexing durable batches
     * @throws IOException when the store is in use by another process or cannot be opened
     */
    static EventLoader open(Path eventsDir, DataSource dataSource, int defaultRetentionDays, int indexThreads)
            throws IOException {
        return BulkLoader.open(eventsDir, dataSource, defaultRetentionDays, indexThreads);
    }

    /**
     * Appends a batch (its ids are assigned here); returns once it is queued for the log. Blocks while too many batches
     * are in flight. A failure of an earlier batch is thrown here or by {@link #finish}.
     */
    void load(List<IngestedEvent> batch) throws IOException, InterruptedException;

    /** Events durable and indexed so far. */
    long loaded();

    /** Waits for every batch, commits and seals the rest into the chain; returns the store's status. */
    StoreStatus finish() throws IOException, InterruptedException;

    /** Closes the store (commits and seals what is indexed). */
    @Override
    void close();
}
