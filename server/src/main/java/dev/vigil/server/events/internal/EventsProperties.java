package dev.vigil.server.events.internal;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code vigil.events.*}: the event store (docs/events.md).
 *
 * @param commitInterval how often the index is committed and committed events are sealed into the chain
 * @param refreshInterval how soon a stored event becomes searchable
 * @param walSegmentSize size at which the write-ahead log starts a new segment file
 * @param walMaxDelay extra time a group commit waits for more appends before its fsync (0: none, the natural group
 *     commit of concurrent requests)
 * @param sealBatchEvents the most events one sealed batch holds (a verification failure names batches: smaller
 *     batches, finer ranges)
 * @param ramBuffer Lucene's indexing buffer per partition being written
 * @param compression {@code best-speed} (LZ4) or {@code best-compression} (DEFLATE) for stored events
 * @param idleWriterClose a past day's partition closes its writer after this long without writes
 * @param searchTimeout searches stop (with partial results) after this long
 * @param retention how long events are kept
 * @param verify the scheduled integrity verification
 * @param hunt retro-hunts
 */
@ConfigurationProperties("vigil.events")
public record EventsProperties(
        @DefaultValue("5s") Duration commitInterval,
        @DefaultValue("1s") Duration refreshInterval,
        @DefaultValue("64MB") DataSize walSegmentSize,
        @DefaultValue("0ms") Duration walMaxDelay,
        @DefaultValue("50000") int sealBatchEvents,
        @DefaultValue("64MB") DataSize ramBuffer,
        @DefaultValue("best-speed") String compression,
        @DefaultValue("10m") Duration idleWriterClose,
        @DefaultValue("30s") Duration searchTimeout,
        @DefaultValue Retention retention,
        @DefaultValue Verify verify,
        @DefaultValue Hunt hunt) {

    /**
     * @param defaultDays days an event is kept when its source has no setting of its own
     * @param sources per-source days (the API's settings, stored in the database, take precedence)
     * @param schedule when retention runs (db-scheduler syntax: {@code FIXED_DELAY|3600s}, {@code DAILY|02:00}; {@code -} for never)
     */
    public record Retention(
            @DefaultValue("90") int defaultDays,
            Map<String, Integer> sources,
            @DefaultValue("FIXED_DELAY|3600s") String schedule) {
        public Retention {
            sources = sources == null ? Map.of() : Map.copyOf(sources);
        }
    }

    /**
     * @param enabled run the scheduled verification
     * @param schedule when (db-scheduler syntax, e.g. {@code DAILY|03:30} in UTC, {@code FIXED_DELAY|86400s})
     */
    public record Verify(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("DAILY|03:30") String schedule) {}

    /**
     * @param threads hunts that run at once (more wait, queued)
     * @param maxKeptMatches matches of one hunt kept for review (all are counted)
     */
    public record Hunt(
            @DefaultValue("1") int threads,
            @DefaultValue("100000") long maxKeptMatches) {}
}
