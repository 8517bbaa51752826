package dev.vigil.server.ingest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A global bound on the ingest bytes being read and normalized at once, across all requests and connections
 * ({@code vigil.ingest.max-in-flight}). The pipeline's queue bounds what has been <em>taken</em>; the per-request cap
 * ({@code max-body-size}) bounds one request; this bounds their sum before the queue, so that many concurrent large
 * requests cannot together exhaust the heap.
 *
 * <p>Each request holds a {@link Lease} that grows as its body is read (after decompression; up front by its
 * {@code Content-Length} when it has one, so an over-budget request is refused before a byte is read) and as its
 * records are decoded and parsed into events (their estimated heap, see {@link RequestBudget}), and is released once
 * its events are offered to the pipeline. A lease that cannot grow is refused: HTTP answers 429 with
 * {@code Retry-After}, syslog TCP stops reading until {@link #onDrained} fires, UDP counts the read as dropped. A lease
 * may always grow while it is the only one holding bytes, so a single request larger than the whole budget (but
 * within {@code max-body-size}) still gets through when it is alone and no client is refused forever.
 */
public final class InFlightGate {
    /** Thrown (stackless) from a read when its lease cannot grow. */
    static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full() {
            super("ingest bytes in flight are at the limit", null, false, false);
        }
    }

    static final Full FULL = new Full();

    private final long max;
    private long used;
    private long peak;
    private final List<Runnable> drainListeners = new ArrayList<>();
    private final LongAdder refused = new LongAdder();

    public InFlightGate(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("max-in-flight must be positive");
        }
        this.max = maxBytes;
    }

    /** A gate that never refuses (tests, tools). */
    public static InFlightGate unlimited() {
        return new InFlightGate(Long.MAX_VALUE);
    }

    /** One request's or read's share of the budget; release with {@link #close()} (idempotent). */
    public final class Lease implements AutoCloseable {
        private long held;
        private boolean refusedOnce;

        /**
         * Grows the lease to {@code total} bytes (no-op when it already holds that much). False when the gate is full;
         * the lease keeps what it held and the refusal is counted once per lease.
         */
        public boolean ensure(long total) {
            long more = total - held;
            if (more <= 0) {
                return true;
            }
            synchronized (InFlightGate.this) {
                if (used + more > max && used != held) {
                    if (!refusedOnce) {
                        refusedOnce = true;
                        refused.increment();
                    }
                    return false;
                }
                used += more;
                held += more;
                peak = Math.max(peak, used);
                return true;
            }
        }

        /**
         * Grows the lease to {@code total} bytes, taking up to {@code ahead} more when they fit (so a reader growing by
         * small steps takes the gate's lock once per {@code ahead} bytes, not once per record); throws {@link Full}
         * when not even {@code total} fits.
         */
        void require(long total, long ahead) {
            if (total <= held) {
                return;
            }
            synchronized (InFlightGate.this) {
                long extra = Math.max(0, Math.min(ahead, max - used - (total - held)));
                if (extra > 0) {
                    used += total + extra - held;
                    held = total + extra;
                    peak = Math.max(peak, used);
                    return;
                }
            }
            require(total);
        }

        /** {@link #ensure} that throws {@link Full} instead of returning false (for use inside a reader). */
        void require(long total) {
            if (!ensure(total)) {
                throw FULL;
            }
        }

        public long held() {
            return held;
        }

        @Override
        public void close() {
            List<Runnable> fire = null;
            synchronized (InFlightGate.this) {
                if (held == 0) {
                    return;
                }
                used -= held;
                held = 0;
                if (used <= max / 2 && !drainListeners.isEmpty()) {
                    fire = new ArrayList<>(drainListeners);
                    drainListeners.clear();
                }
            }
            if (fire != null) {
                fire.forEach(Runnable::run);
            }
        }
    }

    public Lease lease() {
        return new Lease();
    }

    /**
     * Runs {@code listener} once after a release leaves the gate at most half full, or at once when nothing is in
     * flight. A refused reader registers here after its refusal; since a refusal means others hold bytes, a release
     * follows, and no wake-up is lost between the two (both under the gate's lock).
     */
    public void onDrained(Runnable listener) {
        synchronized (this) {
            if (used != 0) {
                drainListeners.add(listener);
                return;
            }
        }
        listener.run();
    }

    public long max() {
        return max;
    }

    public synchronized long used() {
        return used;
    }

    /** The most bytes ever in flight at once (for tests and capacity planning). */
    public synchronized long peak() {
        return peak;
    }

    /** Requests and reads refused because the gate was full (each counted once). */
    public long refused() {
        return refused.sum();
    }

    /** The default budget: an eighth of the maximum heap (each body byte costs a few heap bytes once parsed). */
    public static long defaultMax() {
        return Runtime.getRuntime().maxMemory() / 8;
    }
}
