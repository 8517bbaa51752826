package dev.vigil.server.ingest;

import java.time.Instant;

/**
 * A log source's counters. Every record is counted once as accepted, rejected (parse or validation failure, with a
 * reason in the source's rejection log) or dropped (UDP while the pipeline was full; shutdown).
 *
 * @param lastSeen when the source last delivered a record (accepted or rejected), null if never
 * @param eventsPerSecond accepted records per second over the last minute
 */
public record SourceStats(
        String source,
        String application,
        long received,
        long accepted,
        long rejected,
        long dropped,
        Instant lastSeen,
        double eventsPerSecond) {}
