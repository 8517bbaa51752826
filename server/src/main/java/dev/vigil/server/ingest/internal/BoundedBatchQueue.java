package dev.vigil.server.ingest.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue of batches bounded by two budgets at once: the number of items and their estimated heap bytes. A batch is
 * admitted whole or not at all ({@link #tryOffer}); the budget it holds is released only when the consumer calls
 * {@link #release} after processing it, so the bound covers items waiting <em>and</em> items being processed. This is
 * what keeps memory bounded under overload: receivers never block on it, they are told "full" and apply their own
 * backpressure (429, stop reading, count the drop).
 *
 * <p>A single batch larger than the whole budget is admitted when the queue is empty (otherwise it could never pass);
 * callers cap batch sizes well below the budget. Drain listeners run once, on the releasing thread, when usage falls
 * to or below the low watermark (half the budgets), so a stopped TCP connection resumes with room to spare.
 */
public final class BoundedBatchQueue<B> {
    /** What a batch costs. */
    public interface Weigher<B> {
        int items(B batch);

        long bytes(B batch);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<B> queue = new ArrayDeque<>();
    private final List<Runnable> drainListeners = new ArrayList<>();
    private final Weigher<B> weigher;
    private final long maxItems;
    private final long maxBytes;
    private long items;
    private long bytes;
    private boolean closed;

    public BoundedBatchQueue(long maxItems, long maxBytes, Weigher<B> weigher) {
        if (maxItems <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("queue budgets must be positive");
        }
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.weigher = weigher;
    }

    /** Admits {@code batch} whole when both budgets allow; false (nothing taken) when full or closed. */
    public boolean tryOffer(B batch) {
        int n = weigher.items(batch);
        long b = weigher.bytes(batch);
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            boolean empty = items == 0;
            if (!empty && (items + n > maxItems || bytes + b > maxBytes)) {
                return false;
            }
            items += n;
            bytes += b;
            queue.addLast(batch);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves budget for a batch of {@code n} items and {@code b} bytes, by the same rule as {@link #tryOffer}, without
     * queueing anything yet: the caller then {@link #enqueueReserved enqueues} the batch or {@link #cancelReservation
     * cancels}. Lets a producer do work that must not be undone (make the batch durable) only once admission is sure.
     */
    public boolean tryReserve(int n, long b) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (items != 0 && (items + n > maxItems || bytes + b > maxBytes)) {
                return false;
            }
            items += n;
            bytes += b;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a batch whose budget was {@link #tryReserve reserved}; queued even when closed (drained by close). */
    public void enqueueReserved(B batch) {
        lock.lock();
        try {
            queue.addLast(batch);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a reservation that was not used. */
    public void cancelReservation(int n, long b) {
        lock.lock();
        try {
            items -= n;
            bytes -= b;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits {@code batch} whole, waiting up to {@code timeout} for budget (for producers that may wait, such as the
     * replay of a backlog at start). False on timeout or when closed.
     */
    public boolean offer(B batch, long timeout, TimeUnit unit) throws InterruptedException {
        int n = weigher.items(batch);
        long b = weigher.bytes(batch);
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) {
                    return false;
                }
                if (items == 0 || (items + n <= maxItems && bytes + b <= maxBytes)) {
                    items += n;
                    bytes += b;
                    queue.addLast(batch);
                    notEmpty.signal();
                    return true;
                }
                if (nanos <= 0) {
                    return false;
                }
                nanos = released.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes queued batches up to {@code maxItems} items in all (at least one batch), waiting up to {@code timeout} for
     * the first; an empty list on timeout or when closed and empty.
     */
    public List<B> drain(int maxItemsPerDrain, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (closed || nanos <= 0) {
                    return List.of();
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            List<B> out = new ArrayList<>();
            int taken = 0;
            while (!queue.isEmpty()) {
                B next = queue.peekFirst();
                int n = weigher.items(next);
                if (!out.isEmpty() && taken + n > maxItemsPerDrain) {
                    break;
                }
                out.add(queue.pollFirst());
                taken += n;
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The next batch, waiting up to {@code timeout}; null on timeout or when closed and empty. */
    public B poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (closed || nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a processed batch's budget and wakes drain listeners when usage is at or below the low watermark. */
    public void release(B batch) {
        int n = weigher.items(batch);
        long b = weigher.bytes(batch);
        List<Runnable> toRun = null;
        lock.lock();
        try {
            items -= n;
            bytes -= b;
            released.signalAll();
            if (!drainListeners.isEmpty() && items <= maxItems / 2 && bytes <= maxBytes / 2) {
                toRun = new ArrayList<>(drainListeners);
                drainListeners.clear();
            }
        } finally {
            lock.unlock();
        }
        if (toRun != null) {
            for (Runnable r : toRun) {
                r.run();
            }
        }
    }

    /**
     * Runs {@code listener} once when the queue has drained to the low watermark (immediately, on this thread, when
     * it already has).
     */
    public void onDrained(Runnable listener) {
        lock.lock();
        try {
            if (!(items <= maxItems / 2 && bytes <= maxBytes / 2)) {
                drainListeners.add(listener);
                return;
            }
        } finally {
            lock.unlock();
        }
        listener.run();
    }

    /** Refuses further offers; consumers still drain what is queued. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns every queued batch (on shutdown), releasing their budget. */
    public List<B> drainAll() {
        lock.lock();
        try {
            List<B> all = new ArrayList<>(queue);
            queue.clear();
            for (B b : all) {
                items -= weigher.items(b);
                bytes -= weigher.bytes(b);
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    public long items() {
        lock.lock();
        try {
            return items;
        } finally {
            lock.unlock();
        }
    }

    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    public int batches() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public long maxItems() {
        return maxItems;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** True when a batch of this size would currently be refused (admission check before reading a request body). */
    public boolean isSaturated() {
        lock.lock();
        try {
            return closed || items >= maxItems || bytes >= maxBytes;
        } finally {
            lock.unlock();
        }
    }
}
