package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Rejection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One source's counters, updated once per batch (not per record) from receiver threads. The rate is accepted
 * records over a sliding minute of 12 five-second buckets on the injected clock; the rejection log keeps the last
 * 100 rejections. Survives source edits (counters are keyed by name).
 */
public final class SourceCounters {
    private static final int BUCKETS = 12;
    private static final long BUCKET_SECONDS = 5;
    private static final int MAX_REJECTIONS = 100;

    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    private final AtomicLong lastSeenMillis = new AtomicLong(-1);
    private final long[] bucketCounts = new long[BUCKETS];
    private final long[] bucketEpochs = new long[BUCKETS];
    private final ArrayDeque<Rejection> rejections = new ArrayDeque<>();
    private final InstantSource clock;

    public SourceCounters(InstantSource clock) {
        this.clock = clock;
    }

    public void accepted(int n) {
        if (n <= 0) {
            return;
        }
        accepted.add(n);
        long now = clock.millis();
        seen(now);
        long epoch = now / 1000 / BUCKET_SECONDS;
        int i = (int) (epoch % BUCKETS);
        synchronized (bucketCounts) {
            if (bucketEpochs[i] != epoch) {
                bucketEpochs[i] = epoch;
                bucketCounts[i] = 0;
            }
            bucketCounts[i] += n;
        }
    }

    public void rejected(Rejection r) {
        rejected.increment();
        seen(clock.millis());
        synchronized (rejections) {
            if (rejections.size() == MAX_REJECTIONS) {
                rejections.removeLast();
            }
            rejections.addFirst(r);
        }
    }

    public void dropped(int n) {
        dropped.add(n);
    }

    /** Accepted events that were lost before evaluation (shutdown with a backlog): moved from accepted to dropped. */
    public void discarded(int n) {
        accepted.add(-n);
        dropped.add(n);
    }

    private void seen(long now) {
        lastSeenMillis.accumulateAndGet(now, Math::max);
    }

    public Instant lastSeen() {
        long m = lastSeenMillis.get();
        return m < 0 ? null : Instant.ofEpochMilli(m);
    }

    /** Accepted records per second over the last 60 seconds (the current, partial bucket excluded). */
    public double ratePerSecond() {
        long epoch = clock.millis() / 1000 / BUCKET_SECONDS;
        long sum = 0;
        synchronized (bucketCounts) {
            for (int k = 1; k <= BUCKETS; k++) {
                int i = (int) ((epoch - k) % BUCKETS);
                if (i < 0) {
                    i += BUCKETS;
                }
                if (bucketEpochs[i] == epoch - k) {
                    sum += bucketCounts[i];
                }
            }
        }
        return sum / (double) (BUCKETS * BUCKET_SECONDS);
    }

    public List<Rejection> recentRejections() {
        synchronized (rejections) {
            return new ArrayList<>(rejections);
        }
    }
}
