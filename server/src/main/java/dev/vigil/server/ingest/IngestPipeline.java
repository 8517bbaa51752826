package dev.vigil.server.ingest;

import dev.vigil.server.ingest.internal.BoundedBatchQueue;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one hand-off between receivers and detection: a bounded queue of normalized batches (bounded in events and in
 * estimated bytes) and a few worker threads that deliver batches to the {@link EventSink}, with the
 * {@link DurableJournal} (the event store) in front.
 *
 * <p>{@link #offer} is all-or-nothing and never blocks: a receiver learns at once that the pipeline is full and
 * applies its own backpressure. On success the batch has been appended to the journal (its events carry their store
 * ids) and the returned acknowledgement completes when the batch is <em>durable</em> (written and fsynced by the
 * journal's group commit); HTTP receivers wait on it before answering. A batch that cannot be made durable completes
 * the acknowledgement exceptionally and is never evaluated (the client was not acknowledged and will resend).
 *
 * <p>Workers take several queued batches at once (fewer, larger detection calls; one wait for the group commit),
 * wait until they are durable, make them searchable ({@link DurableJournal.Entry#index()}), evaluate them and tell
 * the journal ({@link DurableJournal.Entry#evaluated()}), which advances the detection checkpoint. A failure of the
 * sink is classified first ({@link SinkFailure}): when the store behind it is unavailable (database down) the batch is
 * held and retried with backoff until it is back — no event is blamed, the queue fills and the receivers apply
 * backpressure, and at shutdown the batch is left to the journal for the next start; a statement that does not
 * finish (timeout, cancel, serialization failure, deadlock) is retried whole for up to {@code evaluationRetry} and then
 * bisected, so one record whose insert always times out is isolated instead of holding the pipeline; otherwise a bad
 * event is isolated by bisection (when both halves fail alike with a failure that names no record, the batch is
 * retried whole for up to {@code evaluationRetry}, durable journal only, before it is counted as failed).
 *
 * <p>At-least-once evaluation: after a crash, or a shutdown with a backlog, {@link #start()} replays the journal's
 * durable-but-unevaluated events into the sink before they could be forgotten. The queued backlog at shutdown is
 * therefore <em>deferred</em> to the next start, not dropped (without a durable journal it is counted as discarded).
 *
 * <p>Invariant: budget is released only after the sink returns, so memory is bounded by the queue budget plus one
 * batch per worker being normalized upstream. Every batch is counted as delivered or failed.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);
    /** Events one worker takes from the queue at once. */
    private static final int CHUNK_EVENTS = 8192;

    /** A queued batch and its journal entry. */
    private record Batch(DurableJournal.Entry entry, int size, long bytes, boolean replayed) {}

    private final BoundedBatchQueue<Batch> queue;
    private final DurableJournal journal;
    private final EventSink sink;
    private final Duration evaluationRetry;
    private final List<Thread> workers = new ArrayList<>();
    private final List<Consumer<List<IngestedEvent>>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder notDurable = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder refusedBatches = new LongAdder();
    private final LongAdder outageFailures = new LongAdder();
    private final LongAdder statementFailures = new LongAdder();
    private final LongAdder held = new LongAdder();
    private final LongAdder leftForRestart = new LongAdder();
    private volatile boolean running;
    private volatile Thread replayThread;

    /** A pipeline without a durable journal (tests, tools). */
    public IngestPipeline(long maxEvents, long maxBytes, int workerCount, EventSink sink) {
        this(maxEvents, maxBytes, workerCount, DurableJournal.NONE, sink, Duration.ZERO);
    }

    public IngestPipeline(
            long maxEvents,
            long maxBytes,
            int workerCount,
            DurableJournal journal,
            EventSink sink,
            Duration evaluationRetry) {
        this.queue = new BoundedBatchQueue<>(maxEvents, maxBytes, new BoundedBatchQueue.Weigher<>() {
            @Override
            public int items(Batch b) {
                return b.size();
            }

            @Override
            public long bytes(Batch b) {
                return b.bytes();
            }
        });
        this.journal = journal;
        this.sink = sink;
        this.evaluationRetry = journal.durable() ? evaluationRetry : Duration.ZERO;
        running = true;
        for (int i = 0; i < workerCount; i++) {
            Thread t =
                    Thread.ofPlatform().name("vigil-ingest-" + i).daemon(true).unstarted(this::work);
            workers.add(t);
            t.start();
        }
    }

    /**
     * Replays the journal's durable events that the previous run had not evaluated (in the background, behind the
     * queue's budget, so live intake is not starved of memory). Call once, when detection is ready.
     */
    public void start() {
        Iterator<DurableJournal.Entry> backlog = journal.unevaluated();
        if (!backlog.hasNext()) {
            return;
        }
        Thread t = Thread.ofPlatform().name("vigil-ingest-replay").daemon(true).unstarted(() -> replay(backlog));
        replayThread = t;
        t.start();
    }

    private void replay(Iterator<DurableJournal.Entry> backlog) {
        long n = 0;
        try {
            while (running && backlog.hasNext()) {
                DurableJournal.Entry e = backlog.next();
                Batch b = new Batch(e, e.events().size(), bytesOf(e.events()), true);
                while (running && !queue.offer(b, 1, TimeUnit.SECONDS)) {
                    // wait for budget
                }
                if (!running) {
                    break;
                }
                n += b.size();
                replayed.add(b.size());
            }
            log.info("replayed {} durable events that had not been evaluated before the last stop", n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error(
                    "replay of unevaluated events stopped after {} events; the rest is replayed at the next start",
                    n,
                    e);
        }
    }

    /**
     * Offers a batch whole. Returns the acknowledgement (complete when durable), or null when the pipeline is full or
     * closed (nothing was taken). When the journal refuses the batch (store failed), the returned future is already
     * completed exceptionally and nothing was taken.
     */
    public CompletableFuture<Void> offer(List<IngestedEvent> events) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long bytes = bytesOf(events);
        int n = events.size();
        if (!queue.tryReserve(n, bytes)) {
            refusedBatches.increment();
            return null;
        }
        DurableJournal.Entry entry;
        try {
            entry = journal.append(events);
        } catch (RuntimeException e) {
            queue.cancelReservation(n, bytes);
            notDurable.add(n);
            return CompletableFuture.failedFuture(e);
        }
        queue.enqueueReserved(new Batch(entry, n, bytes, false));
        return entry.durable();
    }

    private static long bytesOf(List<IngestedEvent> events) {
        long bytes = 0;
        for (IngestedEvent e : events) {
            bytes += estimateBytes(e);
        }
        return bytes;
    }

    /**
     * Heap cost of an event: the raw text (held as Latin-1 or UTF-16) plus parsed fields and its encoded form in the
     * journal, roughly four times the raw size, plus object overhead. An estimate that errs high keeps the bound
     * honest.
     */
    public static long estimateBytes(IngestedEvent e) {
        return 512L + 4L * (e.raw() == null ? 0 : e.raw().length());
    }

    /** True when a new request should be refused before its body is read. */
    public boolean isSaturated() {
        return queue.isSaturated();
    }

    /** Runs {@code listener} once when the queue has drained to half its budget. */
    public void onDrained(Runnable listener) {
        queue.onDrained(listener);
    }

    private void work() {
        while (running) {
            List<Batch> chunk;
            try {
                chunk = queue.drain(CHUNK_EVENTS, 200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (chunk.isEmpty()) {
                continue;
            }
            try {
                process(chunk);
            } finally {
                for (Batch b : chunk) {
                    queue.release(b);
                }
            }
        }
    }

    private void process(List<Batch> chunk) {
        List<Batch> ready = new ArrayList<>(chunk.size());
        int events = 0;
        for (Batch b : chunk) {
            Boolean durable = awaitDurable(b);
            if (durable == null) {
                continue; // shutting down before the group commit answered: evaluated after the next start
            }
            if (!durable) {
                // not durable: the receiver answered with an error and the client resends; never evaluated
                notDurable.add(b.size());
                continue;
            }
            try {
                b.entry().index();
            } catch (Exception | LinkageError e) {
                // durable, so recovery indexes it at the next start; detection still runs now
                log.error("indexing failed for {} durable events (recovered at the next start)", b.size(), e);
            }
            ready.add(b);
            events += b.size();
        }
        if (ready.isEmpty()) {
            return;
        }
        List<IngestedEvent> all;
        if (ready.size() == 1) {
            all = ready.get(0).entry().events();
        } else {
            all = new ArrayList<>(events);
            for (Batch b : ready) {
                all.addAll(b.entry().events());
            }
        }
        Throwable e = attempt(all);
        boolean settled = true;
        if (e == null) {
            delivered(all);
        } else {
            settled = settle(all, e);
        }
        if (!settled) {
            // shutting down while the store behind detection was down: the journal offers these batches again at
            // the next start (the parts of them that were evaluated are evaluated twice then: at-least-once)
            return;
        }
        for (Batch b : ready) {
            b.entry().evaluated();
        }
    }

    /** True once durable, false when the journal could not write it, null when the pipeline closes first. */
    private Boolean awaitDurable(Batch b) {
        CompletableFuture<Void> f = b.entry().durable();
        while (true) {
            try {
                f.get(200, TimeUnit.MILLISECONDS);
                return true;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                return false;
            } catch (java.util.concurrent.TimeoutException e) {
                if (!running) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** One call of the sink: null when it took the events, else what it threw. */
    private Throwable attempt(List<IngestedEvent> events) {
        try {
            sink.accept(events);
            return null;
        } catch (Exception | LinkageError e) {
            return e;
        }
    }

    private void delivered(List<IngestedEvent> events) {
        delivered.add(events.size());
        for (var l : listeners) {
            l.accept(events);
        }
    }

    private final java.util.concurrent.atomic.AtomicLong nextPoisonLog = new java.util.concurrent.atomic.AtomicLong();
    private final LongAdder poisonNotLogged = new LongAdder();

    /**
     * {@code events} just failed in the sink with {@code cause}; settles them: delivered, counted as failed, or left
     * for the next start. An outage of the store behind the sink ({@link SinkFailure.Kind#OUTAGE}) is no record's
     * fault: the events are held and retried ({@link #retry}); a statement that did not finish ({@link
     * SinkFailure.Kind#STATEMENT}: timeout, cancel, serialization failure, deadlock) is retried for a bounded time
     * before the record that makes it fail is isolated; anything else may be one bad record's, which {@link #isolate}
     * finds. False when events were left for the journal to offer again at the next start (shutdown during an
     * outage).
     */
    private boolean settle(List<IngestedEvent> events, Throwable cause) {
        SinkFailure.Kind kind = SinkFailure.of(cause);
        if (kind == SinkFailure.Kind.OUTAGE || kind == SinkFailure.Kind.STATEMENT) {
            return retry(events, cause);
        }
        return isolate(events, cause);
    }

    /**
     * {@code events} just failed in the sink, not with an outage. One bad event (a value that makes detection throw,
     * or a record whose alert insert always times out) must not fail the thousands of events chunked with it: the
     * halves are tried once each; a half that succeeds is delivered, a half that fails with an outage is held ({@link
     * #retry}), a half that fails otherwise — a statement failure included, which is not retried again here — is
     * split again, down to the single events that fail alone (counted as failed and logged, at most once a minute
     * with the number not logged). When both halves fail and neither failure names a record or a statement ({@link
     * SinkFailure.Kind#UNKNOWN}), the failure is not one event's (detection is broken): the whole list goes the
     * bounded retry path.
     */
    private boolean isolate(List<IngestedEvent> events, Throwable cause) {
        if (events.size() == 1) {
            failed.increment();
            long now = System.nanoTime();
            long next = nextPoisonLog.get();
            if (now - next >= 0 && nextPoisonLog.compareAndSet(next, now + TimeUnit.MINUTES.toNanos(1))) {
                long skipped = poisonNotLogged.sumThenReset();
                log.error(
                        "detection failed on event {} of source '{}' alone; it is counted as failed and the events"
                                + " batched with it were evaluated{}{}",
                        events.get(0).id(),
                        events.get(0).sourceName(),
                        journal.durable() ? " (it is stored: a retro-hunt over it evaluates it)" : "",
                        skipped == 0 ? "" : " (" + skipped + " more such events since the last report)",
                        cause);
            } else {
                poisonNotLogged.increment();
            }
            return true;
        }
        int mid = events.size() / 2;
        List<IngestedEvent> a = events.subList(0, mid);
        List<IngestedEvent> b = events.subList(mid, events.size());
        Throwable ea = attempt(a);
        Throwable eb = attempt(b);
        if (ea != null
                && eb != null
                && SinkFailure.of(ea) == SinkFailure.Kind.UNKNOWN
                && SinkFailure.of(eb) == SinkFailure.Kind.UNKNOWN) {
            return retry(events, eb, false);
        }
        boolean settled = true;
        if (ea == null) {
            delivered(a);
        } else {
            settled = split(a, ea);
        }
        if (eb == null) {
            delivered(b);
        } else {
            settled &= split(b, eb);
        }
        return settled;
    }

    /** A half that failed during {@link #isolate}: held when the store is down, else split further. */
    private boolean split(List<IngestedEvent> half, Throwable cause) {
        SinkFailure.Kind kind = SinkFailure.of(cause);
        if (kind == SinkFailure.Kind.OUTAGE) {
            return retry(half, cause);
        }
        if (kind == SinkFailure.Kind.STATEMENT) {
            statementFailures.increment();
        }
        return isolate(half, cause);
    }

    /**
     * Hands the events to the sink again, with backoff (100 ms doubling to 5 s), after it failed with {@code cause}.
     * While the failures are outages of the store behind the sink the events are held as long as the pipeline runs:
     * the worker waits, the queue fills and the receivers apply backpressure (429/503, TCP stops reading), no event
     * is blamed; at shutdown they are left to the journal for the next start (without a durable journal they are
     * counted as failed). A failure that names a record ({@link SinkFailure.Kind#RECORD}, e.g. once the store is
     * back) goes to {@link #isolate}. Other failures are retried for up to {@code evaluationRetry} (counted from the
     * first failure that is not an outage): then a statement that keeps failing ({@link SinkFailure.Kind#STATEMENT},
     * e.g. one record whose insert always times out) goes to {@link #isolate}, which finds that record, and an
     * unknown failure counts the events as failed. False when events were left for the next start.
     */
    private boolean retry(List<IngestedEvent> events, Throwable cause) {
        return retry(events, cause, true);
    }

    /** {@link #retry(List, Throwable)}; {@code mayIsolate} false when {@link #isolate} already gave up on them. */
    private boolean retry(List<IngestedEvent> events, Throwable cause, boolean mayIsolate) {
        long deadline = 0;
        boolean bounded = false;
        long backoffMs = 100;
        long nextLog = System.nanoTime();
        boolean holding = false;
        Throwable last = cause;
        SinkFailure.Kind kind;
        try {
            while (true) {
                kind = SinkFailure.of(last);
                if (kind == SinkFailure.Kind.RECORD) {
                    break; // the store answers again and refuses a record's value: find that record
                }
                boolean outage = kind == SinkFailure.Kind.OUTAGE;
                if (outage) {
                    outageFailures.increment();
                    bounded = false; // the bounded retry starts again once the store is back
                    if (!holding) {
                        holding = true;
                        held.add(events.size());
                    }
                } else {
                    if (kind == SinkFailure.Kind.STATEMENT) {
                        statementFailures.increment();
                    }
                    if (!bounded) {
                        bounded = true;
                        deadline = System.nanoTime() + evaluationRetry.toNanos();
                    }
                }
                if (!running) {
                    return stopped(events, last, outage);
                }
                if (!outage && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) - deadline > 0) {
                    if (kind == SinkFailure.Kind.STATEMENT && mayIsolate && events.size() > 1) {
                        log.warn(
                                "a statement behind detection kept failing for {} on a batch of {} events (ids {});"
                                        + " isolating the event that makes it fail: {}",
                                evaluationRetry,
                                events.size(),
                                idRange(events),
                                last.toString());
                        break;
                    }
                    return countFailed("detection failed for a batch", events, last);
                }
                if (System.nanoTime() - nextLog >= 0) {
                    nextLog = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    log.warn(
                            outage
                                    ? "the store behind detection is unavailable; a batch of {} events is held and"
                                            + " retried (every {} ms at first, then every 5 s; reported once a minute)"
                                            + " until it is back: {}"
                                    : "detection failed for a batch of {} events, retrying in {} ms: {}",
                            events.size(),
                            backoffMs,
                            last.toString());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return stopped(events, last, outage);
                }
                backoffMs = Math.min(backoffMs * 2, 5000);
                last = attempt(events);
                if (last == null) {
                    if (holding) {
                        log.info("the store behind detection is back; {} held events were evaluated", events.size());
                    }
                    delivered(events);
                    return true;
                }
            }
        } finally {
            if (holding) {
                held.add(-events.size());
            }
        }
        return isolate(events, last);
    }

    /** The pipeline stops while {@code events} wait for a retry: left for the next start, or counted as failed. */
    private boolean stopped(List<IngestedEvent> events, Throwable last, boolean outage) {
        if (outage && journal.durable()) {
            leftForRestart.add(events.size());
            log.warn(
                    "shutdown while the store behind detection is unavailable: {} held events (ids {}) are evaluated"
                            + " at the next start",
                    events.size(),
                    idRange(events));
            return false;
        }
        return countFailed("shutdown: detection failed and was not retried again for a batch", events, last);
    }

    /** Gives {@code events} up: counted as failed and logged with {@code what} and the last failure; true. */
    private boolean countFailed(String what, List<IngestedEvent> events, Throwable last) {
        log.error(
                "{} of {} events (ids {}); they are counted as failed{}",
                what,
                events.size(),
                idRange(events),
                journal.durable() ? " (they are stored: a retro-hunt over them evaluates them)" : "",
                last);
        failed.add(events.size());
        return true;
    }

    private static String idRange(List<IngestedEvent> all) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (IngestedEvent e : all) {
            min = Math.min(min, e.id());
            max = Math.max(max, e.id());
        }
        return min == max ? Long.toString(min) : min + ".." + max;
    }

    /**
     * Observes delivered batches (after the sink returned), e.g. for a live tail or a test. Listeners run on worker
     * threads and must be quick; the default is none.
     */
    public void addListener(Consumer<List<IngestedEvent>> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<List<IngestedEvent>> listener) {
        listeners.remove(listener);
    }

    public long queuedEvents() {
        return queue.items();
    }

    public long queuedBytes() {
        return queue.bytes();
    }

    public long maxEvents() {
        return queue.maxItems();
    }

    public long maxBytes() {
        return queue.maxBytes();
    }

    public long deliveredEvents() {
        return delivered.sum();
    }

    public long failedEvents() {
        return failed.sum();
    }

    /** Events whose batch could not be made durable (the receiver answered with an error; never evaluated). */
    public long notDurableEvents() {
        return notDurable.sum();
    }

    /** Events replayed from the journal at start (evaluated again after a crash or a shutdown with a backlog). */
    public long replayedEvents() {
        return replayed.sum();
    }

    public long refusedBatches() {
        return refusedBatches.sum();
    }

    /**
     * Sink calls that failed because the store behind the sink was unavailable ({@link SinkFailure.Kind#OUTAGE});
     * their events were held and retried, none was counted as failed or blamed as a bad record.
     */
    public long outageFailures() {
        return outageFailures.sum();
    }

    /**
     * Sink calls retried because a statement behind the sink did not finish ({@link SinkFailure.Kind#STATEMENT}:
     * timeout, cancel, serialization failure, deadlock); bounded by {@code evaluationRetry}, then the event that makes
     * it fail is isolated and counted as failed.
     */
    public long statementFailures() {
        return statementFailures.sum();
    }

    /** Events held by the workers right now, waiting for the store behind the sink to come back. */
    public long heldEvents() {
        return held.sum();
    }

    /** Events still held when the pipeline stopped, left to the durable journal to offer again at the next start. */
    public long leftForRestartEvents() {
        return leftForRestart.sum();
    }

    /**
     * Called with the events still queued when the pipeline shuts down without a durable journal (they were
     * acknowledged as accepted but never evaluated), so the intake can count them as dropped. With a durable journal
     * they are replayed at the next start instead, and this is not called.
     */
    public void onDiscard(Consumer<List<IngestedEvent>> listener) {
        this.discardListener = listener;
    }

    private volatile Consumer<List<IngestedEvent>> discardListener = events -> {};

    /**
     * Stops accepting, lets each worker finish the batches it is evaluating (waiting up to 30 seconds in all), then
     * leaves what is still queued: deferred to the next start with a durable journal, counted as discarded without.
     * Does not drain a large backlog: shutdown stays quick.
     */
    @Override
    public void close() {
        queue.close();
        running = false;
        Thread r = replayThread;
        if (r != null) {
            r.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long left = 0;
        for (Batch b : queue.drainAll()) {
            left += b.size();
            if (!journal.durable()) {
                discardListener.accept(b.entry().events());
            }
        }
        if (left > 0 && journal.durable()) {
            log.info("shutdown: {} queued durable events are evaluated at the next start", left);
        } else if (left > 0) {
            log.warn("shutdown: {} queued events were not evaluated and are counted as dropped", left);
        }
    }
}
