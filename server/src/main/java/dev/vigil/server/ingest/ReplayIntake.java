package dev.vigil.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Replays recorded log records through the real intake path for an exercise (issue 10): each record is parsed and
 * normalised exactly as its original source does today (the source's intake framing, parser, field-mapping pipeline
 * and logsource), then stored and evaluated under the exercise's source name ({@code ExerciseTag.eventSource}) with
 * its event time shifted by {@code shift}, and the exercise id in the event field {@code vigil.exercise}. The original
 * source's counters (last seen, rates) are not touched: a replay does not make a silent source look alive.
 */
public interface ReplayIntake {

    /**
     * One record to replay.
     *
     * @param source the original log source (must exist)
     * @param raw the record as originally received (syslog frame, NDJSON line, {@code _bulk} document, OTLP record
     *     as JSON)
     * @param receivedAt when it was originally received (the parser's "now", e.g. for RFC 3164 years)
     * @param fallback how to read the record when no source of that name is configured (the bundled demo attack
     *     brings its sources' definitions), or null: such a record is then rejected
     */
    record Record(String source, String raw, Instant receivedAt, LogSource fallback) {
        public Record(String source, String raw, Instant receivedAt) {
            this(source, raw, receivedAt, null);
        }
    }

    /**
     * What one call took.
     *
     * @param accepted records stored and queued for detection
     * @param rejected records the original source's parser refused (with the first reasons)
     */
    record Outcome(int accepted, int rejected, List<String> errors) {}

    /** True when a configured log source of this name exists (built-in defaults included). */
    boolean hasSource(String name);

    /**
     * Replays records as one batch, waiting while the pipeline is full (never dropping) and until the batch is
     * durable. Event times (or, for records without one, the original receive time) are moved by {@code shift}.
     *
     * @throws IllegalStateException when the event store cannot make the batch durable
     * @throws InterruptedException when the caller is interrupted while waiting for room
     */
    Outcome replay(UUID exercise, List<Record> records, Duration shift) throws InterruptedException;
}
