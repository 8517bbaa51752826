package dev.vigil.server.ingest.internal;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records whose processing failed unexpectedly (a bug or a hostile value reaching a normalizer, a mapping pipeline or
 * a parser with a {@link RuntimeException} instead of a clean refusal). Such a record is rejected alone, like a
 * malformed one, and its neighbours in the same request or read are kept. Counted here (metric
 * {@code vigil.ingest.record.failures}) and logged with the stack trace at most once per interval, so a flood of
 * failing records cannot flood the log; the next log line says how many were not logged in between.
 */
final class RecordFailures {
    private static final Logger log = LoggerFactory.getLogger(RecordFailures.class);

    private final InstantSource clock;
    private final long intervalMillis;
    private final LongAdder count = new LongAdder();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RecordFailures(InstantSource clock, Duration interval) {
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /**
     * Counts and (rate-limited) logs one failure; returns the reason to report to the sender and in the source's
     * rejections: the exception's type and message, clipped, never a stack trace.
     */
    String failed(RuntimeException e, String source, String location) {
        count.increment();
        long now = clock.millis();
        long next = nextLogAt.get();
        if (now >= next && nextLogAt.compareAndSet(next, now + intervalMillis)) {
            long skipped = suppressed.getAndSet(0);
            log.error(
                    "ingest: a record of source '{}' ({}) could not be processed and was rejected; the rest of its"
                            + " request or read was kept{}",
                    source,
                    location,
                    skipped == 0 ? "" : " (" + skipped + " similar failures since the last report were not logged)",
                    e);
        } else {
            suppressed.incrementAndGet();
        }
        return reason(e);
    }

    static String reason(RuntimeException e) {
        String m = e.getMessage();
        String detail = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "…";
        }
        return "internal error while processing the record (" + detail + "); it was rejected alone";
    }

    /** Records rejected because their processing failed unexpectedly, since start. */
    long count() {
        return count.sum();
    }
}
