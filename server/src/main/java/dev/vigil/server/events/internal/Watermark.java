package dev.vigil.server.events.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * The highest id {@code m} such that every id ≤ {@code m} is done, while ranges complete in any order (several
 * pipeline workers index and evaluate batches concurrently). Ids that will never exist (a batch whose write failed)
 * are completed too, so the mark never sticks on a hole. Per batch, not per event.
 */
final class Watermark {
    private long mark;
    private final TreeMap<Long, Long> done = new TreeMap<>();

    Watermark(long mark) {
        this.mark = mark;
    }

    /** Marks {@code [first, last]} done. */
    synchronized void complete(long first, long last) {
        if (last <= mark) {
            return;
        }
        long f = Math.max(first, mark + 1);
        if (f == mark + 1) {
            mark = last;
            while (!done.isEmpty()) {
                Map.Entry<Long, Long> e = done.firstEntry();
                if (e.getKey() > mark + 1) {
                    break;
                }
                mark = Math.max(mark, e.getValue());
                done.pollFirstEntry();
            }
        } else {
            done.merge(f, last, Math::max);
        }
    }

    synchronized long get() {
        return mark;
    }

    /** Ranges done beyond the mark (waiting for an earlier one). */
    synchronized int pendingRanges() {
        return done.size();
    }
}
