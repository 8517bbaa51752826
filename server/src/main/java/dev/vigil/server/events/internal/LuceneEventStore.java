package dev.vigil.server.events.internal;

import dev.vigil.server.events.EventPage;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.FieldStats;
import dev.vigil.server.events.StoreStatus;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.ingest.DurableJournal;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event store: a {@link WriteAheadLog} for durability, daily {@link Partition}s (Lucene indexes) for
 * search, and a {@link Sealer} that chains batches of events into the {@link JdbcLedger}. It is the intake pipeline's
 * {@link DurableJournal}:
 *
 * <ol>
 *   <li>{@link #append} (receiver thread): encodes the events ({@link Canonical}), assigns consecutive ids and queues
 *       one log record; the returned entry's future completes after the group commit's fsync.
 *   <li>{@code Entry.index()} (pipeline worker): adds the documents to their partitions; searchable at the next
 *       refresh (every {@code refreshInterval}).
 *   <li>Every {@code commitInterval} the commit thread commits the partitions, writes the {@link Checkpoint}, seals
 *       what is committed, and deletes log segments that are indexed, sealed and evaluated.
 * </ol>
 *
 * <p>Recovery ({@link #open}) makes the store consistent before intake opens: the log's torn tail is cut, every logged
 * event after the checkpoint that the index lacks is indexed again (events the index already has are skipped: no
 * duplicates), the backlog is sealed, and the events detection had not evaluated are offered again through {@link
 * #unevaluated()}. Hence: every acknowledged event is present after a crash, and evaluated at least once.
 */
public final class LuceneEventStore implements EventStore, DurableJournal, Closeable {
    private static final Logger log = LoggerFactory.getLogger(LuceneEventStore.class);

    /** Store settings. */
    public record Options(
            Path dir,
            Duration commitInterval,
            Duration refreshInterval,
            long walSegmentBytes,
            long walMaxDelayMillis,
            int sealBatchEvents,
            double ramBufferMb,
            boolean bestCompression,
            Duration idleWriterClose) {}

    private final Options options;
    private final Clock clock;
    private final JdbcLedger ledger;
    private final ToIntFunction<String> retention;
    private final Path partitionsDir;
    private final Partition.Settings indexSettings;
    private final Map<String, Partition> partitions = new ConcurrentHashMap<>();

    /** Partitions found on disk that could not be opened (damaged files), with the reason; never written to. */
    private final Map<String, String> damaged = new ConcurrentHashMap<>();

    private final Object seqLock = new Object();
    private final LuceneSearch search;
    private WriteAheadLog wal;
    private Sealer sealer;
    private long nextSeq;
    private Watermark indexed;
    private Watermark evaluated;
    private volatile long committedThrough;
    private volatile JdbcLedger.Head head;
    private volatile long walFirstUnevaluated;
    private volatile long replayThrough;
    private ScheduledExecutorService timers;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String sealError;
    /** Held while the store is open: one process at a time (a server, or {@code vigil events load}). */
    private java.nio.channels.FileChannel lockChannel;

    private LuceneEventStore(Options options, Clock clock, JdbcLedger ledger, ToIntFunction<String> retention) {
        this.options = options;
        this.clock = clock;
        this.ledger = ledger;
        this.retention = retention;
        this.partitionsDir = options.dir().resolve("partitions");
        this.indexSettings = new Partition.Settings(
                options.ramBufferMb(),
                options.bestCompression() ? Lucene104Codec.Mode.BEST_COMPRESSION : Lucene104Codec.Mode.BEST_SPEED);
        this.search = new LuceneSearch(this::partitions);
    }

    /**
     * Opens the store in {@code options.dir()}, recovering from a crash when needed.
     *
     * @param retention the retention (days, ≥ 1) of a source's events, decided when they are received
     */
    public static LuceneEventStore open(
            Options options, Clock clock, JdbcLedger ledger, ToIntFunction<String> retention) throws IOException {
        LuceneEventStore s = new LuceneEventStore(options, clock, ledger, retention);
        try {
            s.recover();
        } catch (IOException | RuntimeException e) {
            s.closeQuietly();
            throw e;
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        long t0 = System.nanoTime();
        Path dir = options.dir();
        Files.createDirectories(partitionsDir);
        lock(dir);
        wal = new WriteAheadLog(dir.resolve("wal"), options.walSegmentBytes(), options.walMaxDelayMillis(), this::lost);
        long walLast = wal.open();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(partitionsDir)) {
            for (Path p : ds) {
                Object[] parsed = Partition.parse(p.getFileName().toString());
                if (parsed != null && Files.isDirectory(p)) {
                    String name = p.getFileName().toString();
                    try {
                        Partition part = Partition.open(
                                partitionsDir, (LocalDate) parsed[0], (Integer) parsed[1], indexSettings);
                        partitions.put(part.name, part);
                    } catch (IOException | RuntimeException e) {
                        // a damaged partition must not keep the server (and every other partition) down: it is
                        // left as it is on disk, never written to, and verification reports its batches
                        damaged.put(name, String.valueOf(e));
                        log.error(
                                "EVENT STORE: partition {} cannot be opened, its files are damaged or were changed: {}."
                                        + " It is left untouched and not searched; `vigil events verify` reports the"
                                        + " batches it held",
                                name,
                                e.toString());
                    }
                }
            }
        }
        Checkpoint cp = Checkpoint.read(dir);
        head = ledger.head();
        long luceneMax = 0;
        for (Partition p : partitions.values()) {
            luceneMax = Math.max(luceneMax, p.maxId());
        }
        Iterator<WriteAheadLog.Record> first = wal.records(0, Long.MAX_VALUE);
        long walFirst = first.hasNext() ? first.next().firstSeq() : walLast + 1;
        long last = Math.max(Math.max(walLast, luceneMax), Math.max(head.sealedThrough(), cp.indexedThrough()));
        nextSeq = last + 1;
        if (head.sealedThrough() > Math.max(walLast, luceneMax)) {
            log.warn(
                    "the chain has events sealed through id {} but this data directory holds events only through id {}: "
                            + "was the data directory replaced? `vigil events verify` reports what is missing",
                    head.sealedThrough(),
                    Math.max(walLast, luceneMax));
        }
        // 1. index what the log has after the checkpoint and the index lacks
        long indexFrom = Math.max(cp.indexedThrough(), walFirst - 1);
        int reindexed = reindex(indexFrom, walLast);
        indexed = new Watermark(last); // ids after the log's last one were never durable, or are indexed already
        if (reindexed > 0 || walLast > indexFrom) {
            commitPartitions(indexed.get());
        }
        committedThrough = indexed.get();
        for (Partition p : partitions.values()) {
            p.refreshBlocking();
        }
        // 2. seal the backlog
        sealer = new Sealer(wal, ledger, options.sealBatchEvents(), clock);
        if (head.sealedThrough() < walFirst - 1 && walFirst <= walLast) {
            log.error(
                    "events with ids {}..{} are no longer in the write-ahead log and were never sealed; they stay unsealed",
                    head.sealedThrough() + 1,
                    walFirst - 1);
        }
        sealNow();
        // 3. detection: what was durable but not evaluated is replayed by the pipeline
        long evalFrom = Math.max(cp.evaluatedThrough(), walFirst - 1);
        evaluated = new Watermark(evalFrom);
        if (last > Math.max(walLast, evalFrom)) {
            evaluated.complete(Math.max(walLast, evalFrom) + 1, last);
        }
        walFirstUnevaluated = evalFrom;
        replayThrough = walLast;
        new Checkpoint(committedThrough, evaluated.get()).write(dir);
        log.info(
                "event store open in {} ms: {} partitions, last id {}, {} events re-indexed from the write-ahead log, "
                        + "{} to evaluate again, chain head batch {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                partitions.size(),
                last,
                reindexed,
                Math.max(0, walLast - evalFrom),
                head.batchNo());
        timers = Executors.newScheduledThreadPool(
                2,
                r -> Thread.ofPlatform().name("vigil-events-timer").daemon(true).unstarted(r));
        long commitMs = options.commitInterval().toMillis();
        timers.scheduleWithFixedDelay(this::checkpointQuietly, commitMs, commitMs, TimeUnit.MILLISECONDS);
        long refreshMs = options.refreshInterval().toMillis();
        timers.scheduleWithFixedDelay(this::refreshQuietly, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the store's lock file: two processes writing one store (a second server on the same data directory, or
     * {@code vigil events load} while the server runs) would corrupt it. The operating system releases the lock when
     * the process dies, so a crash leaves nothing to clean up.
     */
    private void lock(Path dir) throws IOException {
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                dir.resolve("store.lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IOException("the event store in " + dir + " is in use by another process (a running Vigil server"
                    + " or `vigil events load` on the same data directory)");
        }
        lockChannel = ch;
    }

    private void unlock() {
        java.nio.channels.FileChannel ch = lockChannel;
        lockChannel = null;
        if (ch != null) {
            try {
                ch.close(); // releases the lock
            } catch (IOException e) {
                log.warn("releasing the event store's lock: {}", e.toString());
            }
        }
    }

    /** Indexes the logged events in {@code (after, through]} that their partition does not have yet. */
    private int reindex(long after, long through) throws IOException {
        if (through <= after) {
            return 0;
        }
        Map<Partition, Set<Long>> existing = new HashMap<>();
        Map<Partition, List<Document>> docs = new HashMap<>();
        int added = 0;
        Iterator<WriteAheadLog.Record> it = wal.records(after, through);
        while (it.hasNext()) {
            WriteAheadLog.Record r = it.next();
            for (int i = 0; i < r.count(); i++) {
                long id = r.firstSeq() + i;
                if (id <= after) {
                    continue;
                }
                Canonical.Decoded d = Canonical.decode(r.events()[i]);
                Partition p = partition(d.receivedAt(), r.retentionDays()[i]);
                Set<Long> have = existing.get(p);
                if (have == null) {
                    have = existingIds(p, after + 1, through);
                    existing.put(p, have);
                }
                if (have.contains(id)) {
                    continue;
                }
                List<Document> l = docs.computeIfAbsent(p, k -> new ArrayList<>());
                l.add(EventDocuments.document(
                        id, d.receivedAt(), d.eventTime(), d.source(), d.application(), d.raw(), d.event(), d.bytes()));
                added++;
                if (l.size() >= 1000) {
                    p.add(l);
                    l.clear();
                }
            }
        }
        for (Map.Entry<Partition, List<Document>> e : docs.entrySet()) {
            if (!e.getValue().isEmpty()) {
                e.getKey().add(e.getValue());
            }
        }
        return added;
    }

    /** The ids in {@code [from, to]} the partition holds (committed or not yet: the writer's view). */
    private static Set<Long> existingIds(Partition p, long from, long to) throws IOException {
        p.refreshBlocking();
        Set<Long> ids = new HashSet<>();
        try (Partition.Lease l = p.acquire()) {
            IndexSearcher s = l.searcher();
            Query q = LongField.newRangeQuery(EventDocuments.ID, from, to);
            Weight w = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
            for (LeafReaderContext c : s.getIndexReader().leaves()) {
                Scorer sc = w.scorer(c);
                if (sc == null) {
                    continue;
                }
                SortedNumericDocValues dv = DocValues.getSortedNumeric(c.reader(), EventDocuments.ID);
                DocIdSetIterator it = sc.iterator();
                for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (c.reader().getLiveDocs() != null
                            && !c.reader().getLiveDocs().get(doc)) {
                        continue;
                    }
                    if (dv.advanceExact(doc)) {
                        ids.add(dv.nextValue());
                    }
                }
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ journal

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public Entry append(List<IngestedEvent> events) {
        if (closed) {
            throw new IllegalStateException("the event store is closed");
        }
        int n = events.size();
        byte[][] canonical = new byte[n][];
        int[] days = new int[n];
        Canonical.Buffer payload = new Canonical.Buffer(12 + n * 512);
        payload.writeLong(0); // firstSeq, set below
        payload.writeInt(n);
        for (int i = 0; i < n; i++) {
            IngestedEvent e = events.get(i);
            canonical[i] = Canonical.encode(e);
            days[i] = Math.max(1, retention.applyAsInt(e.sourceName()));
            payload.writeVarint(days[i]);
            payload.writeVarint(canonical[i].length);
            payload.write(canonical[i], 0, canonical[i].length);
        }
        byte[] record = payload.toByteArray();
        long first;
        CompletableFuture<Void> durable;
        synchronized (seqLock) {
            first = nextSeq;
            for (int b = 0; b < 8; b++) {
                record[b] = (byte) (first >>> (56 - 8 * b));
            }
            durable = wal.append(first, n, record); // throws when failed or closed: nextSeq unchanged
            nextSeq = first + n;
        }
        List<IngestedEvent> stored = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            stored.add(events.get(i).withId(first + i));
        }
        return new StoreEntry(first, stored, canonical, days, durable);
    }

    /** Ids whose write failed will never exist: nothing waits for them. */
    private void lost(long firstSeq, int count) {
        long last = firstSeq + count - 1;
        indexed.complete(firstSeq, last);
        evaluated.complete(firstSeq, last);
    }

    private final class StoreEntry implements Entry {
        private final long first;
        private final List<IngestedEvent> events;
        private byte[][] canonical;
        private final int[] days;
        private final CompletableFuture<Void> durable;

        StoreEntry(
                long first,
                List<IngestedEvent> events,
                byte[][] canonical,
                int[] days,
                CompletableFuture<Void> durable) {
            this.first = first;
            this.events = events;
            this.canonical = canonical;
            this.days = days;
            this.durable = durable;
        }

        @Override
        public List<IngestedEvent> events() {
            return events;
        }

        @Override
        public CompletableFuture<Void> durable() {
            return durable;
        }

        @Override
        public void index() throws IOException {
            byte[][] c = canonical;
            if (c == null) {
                return;
            }
            Partition single = null;
            Map<Partition, List<Document>> byPartition = null;
            List<Document> docs = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                IngestedEvent e = events.get(i);
                Partition p = partition(e.receivedAt(), days[i]);
                Document d = EventDocuments.document(
                        e.id(),
                        e.receivedAt(),
                        e.event().timestamp(),
                        e.sourceName(),
                        e.application(),
                        e.raw(),
                        e.event(),
                        c[i]);
                if (single == null && byPartition == null) {
                    single = p;
                }
                if (p == single && byPartition == null) {
                    docs.add(d);
                } else {
                    if (byPartition == null) {
                        byPartition = new HashMap<>();
                        byPartition.put(single, docs);
                    }
                    byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(d);
                }
            }
            if (byPartition == null) {
                single.add(docs);
            } else {
                for (Map.Entry<Partition, List<Document>> e : byPartition.entrySet()) {
                    e.getKey().add(e.getValue());
                }
            }
            canonical = null; // the bytes are in the index now; free them while detection runs
            indexed.complete(first, first + events.size() - 1);
        }

        @Override
        public void evaluated() {
            evaluated.complete(first, first + events.size() - 1);
        }
    }

    @Override
    public Iterator<Entry> unevaluated() {
        long after = walFirstUnevaluated;
        long through = replayThrough;
        if (through <= after) {
            return java.util.Collections.emptyIterator();
        }
        Iterator<WriteAheadLog.Record> records = wal.records(after, through);
        return new Iterator<>() {
            long done = after;

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Entry next() {
                if (!records.hasNext()) {
                    throw new NoSuchElementException();
                }
                WriteAheadLog.Record r = records.next();
                List<IngestedEvent> events = new ArrayList<>(r.count());
                for (int i = 0; i < r.count(); i++) {
                    long id = r.firstSeq() + i;
                    if (id > after) {
                        events.add(Canonical.decode(r.events()[i]).ingested(id));
                    }
                }
                long from = done + 1;
                long to = r.firstSeq() + r.count() - 1;
                done = to;
                return new Entry() {
                    @Override
                    public List<IngestedEvent> events() {
                        return events;
                    }

                    @Override
                    public CompletableFuture<Void> durable() {
                        return CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public void index() {}

                    @Override
                    public void evaluated() {
                        evaluated.complete(from, to);
                    }
                };
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ partitions

    Partition partition(Instant receivedAt, int retentionDays) throws IOException {
        LocalDate day = LocalDate.ofInstant(EventDocuments.clamp(receivedAt), ZoneOffset.UTC);
        String name = Partition.nameOf(day, retentionDays);
        Partition p = partitions.get(name);
        if (p != null) {
            return p;
        }
        String damage = damaged.get(name);
        if (damage != null) {
            throw new IOException("partition " + name + " is damaged and is not written to: " + damage);
        }
        try {
            return partitions.computeIfAbsent(name, k -> {
                try {
                    return Partition.open(partitionsDir, day, retentionDays, indexSettings);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    Collection<Partition> partitions() {
        return partitions.values();
    }

    /** Partitions that could not be opened, with the reason. */
    Map<String, String> damagedPartitions() {
        return Map.copyOf(damaged);
    }

    LuceneSearch search() {
        return search;
    }

    /**
     * Retention: closes and deletes the partition (after the ledger has recorded its retirement). Searches in
     * progress keep their snapshot.
     */
    void drop(String name) throws IOException {
        Partition p = partitions.remove(name);
        damaged.remove(name);
        if (p != null) {
            p.closeAndDelete();
        } else {
            Partition.deleteTree(partitionsDir.resolve(name));
        }
    }

    /** Partition directories on disk (including ones not open). */
    List<String> partitionNames() {
        return new ArrayList<>(partitions.keySet());
    }

    // ------------------------------------------------------------------------------------------------ commit

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (Throwable e) {
            log.error("event store checkpoint failed (retried at the next interval)", e);
        }
    }

    private void refreshQuietly() {
        for (Partition p : partitions.values()) {
            try {
                p.refresh();
            } catch (Throwable e) {
                log.warn("refreshing partition {} failed: {}", p, e.toString());
            }
        }
    }

    /** Makes everything indexed so far searchable now (tests, and before answering "is it there?"). */
    public void refresh() throws IOException {
        for (Partition p : partitions.values()) {
            p.refreshBlocking();
        }
    }

    /**
     * Commits the partitions, writes the checkpoint, seals what is committed and deletes what the log no longer needs.
     * Called every {@code commitInterval}; tests call it to seal at once.
     */
    public synchronized void checkpoint() throws IOException {
        long w = indexed.get();
        long d = evaluated.get();
        commitPartitions(w);
        committedThrough = w;
        new Checkpoint(w, d).write(options.dir());
        sealNow();
        long safe = Math.min(Math.min(w, head.sealedThrough()), d);
        wal.deleteThrough(safe);
        long idle = options.idleWriterClose().toNanos();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (Partition p : partitions.values()) {
            if (p.writable() && p.day.isBefore(today)) {
                p.closeWriterIfIdle(idle, Map.of("indexedThrough", Long.toString(w)));
            }
        }
    }

    private void commitPartitions(long w) throws IOException {
        Map<String, String> data = Map.of("indexedThrough", Long.toString(w));
        for (Partition p : partitions.values()) {
            p.commit(data);
        }
    }

    private void sealNow() {
        try {
            head = sealer.seal(head, committedThrough);
            sealError = null;
        } catch (RuntimeException e) {
            if (sealError == null) {
                log.error(
                        "sealing events into the chain failed (retried; the write-ahead log keeps them): {}",
                        e.toString());
            }
            sealError = String.valueOf(e.getMessage());
            head = ledger.headQuietly(head);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Override
    public EventPage search(EventQuery query) {
        return search.search(query);
    }

    @Override
    public long count(EventQuery query) {
        return search.count(query);
    }

    @Override
    public java.util.Optional<StoredEvent> get(long id) {
        List<StoredEvent> l = search.get(List.of(id));
        return l.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(l.get(0));
    }

    @Override
    public List<StoredEvent> get(Collection<Long> ids) {
        return search.get(ids);
    }

    @Override
    public FieldStats stats(EventQuery query, List<String> fields, int top, int sample) {
        return search.stats(query, fields, top, sample);
    }

    @Override
    public long scan(EventQuery query, int batchSize, java.util.function.Predicate<List<StoredEvent>> visitor) {
        return search.scan(query, batchSize, visitor);
    }

    @Override
    public StoreStatus status() {
        List<StoreStatus.PartitionStatus> parts = new ArrayList<>();
        long events = 0;
        long bytes = 0;
        List<Partition> sorted = new ArrayList<>(partitions.values());
        sorted.sort(java.util.Comparator.comparing((Partition p) -> p.name));
        for (Partition p : sorted) {
            long n;
            try (Partition.Lease l = p.acquire()) {
                n = l.searcher().getIndexReader().numDocs();
            } catch (IOException | RuntimeException e) {
                n = -1;
            }
            long b = p.bytes();
            events += Math.max(0, n);
            bytes += b;
            parts.add(new StoreStatus.PartitionStatus(p.name, p.day, p.retentionDays, n, b, p.writable(), null));
        }
        for (Map.Entry<String, String> d : new java.util.TreeMap<>(damaged).entrySet()) {
            Object[] parsed = Partition.parse(d.getKey());
            long b = Partition.bytes(partitionsDir.resolve(d.getKey()));
            bytes += b;
            parts.add(new StoreStatus.PartitionStatus(
                    d.getKey(),
                    parsed == null ? null : (LocalDate) parsed[0],
                    parsed == null ? 0 : (Integer) parsed[1],
                    -1,
                    b,
                    false,
                    d.getValue()));
        }
        JdbcLedger.Head h = head;
        return new StoreStatus(
                events,
                lastId(),
                indexed.get(),
                committedThrough,
                h.sealedThrough(),
                evaluated.get(),
                h.batchNo(),
                hex(h.digest()),
                wal.bytes(),
                wal.segmentCount(),
                wal.commits(),
                bytes,
                healthy(),
                parts);
    }

    // ------------------------------------------------------------------------------------------------ status

    long lastId() {
        synchronized (seqLock) {
            return nextSeq - 1;
        }
    }

    long indexedThrough() {
        return indexed.get();
    }

    long committedThrough() {
        return committedThrough;
    }

    long evaluatedThrough() {
        return evaluated.get();
    }

    JdbcLedger.Head head() {
        return head;
    }

    String sealError() {
        return sealError;
    }

    WriteAheadLog wal() {
        return wal;
    }

    JdbcLedger ledger() {
        return ledger;
    }

    Clock clock() {
        return clock;
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().formatHex(b);
    }

    boolean healthy() {
        return !wal.failed() && !closed;
    }

    // ------------------------------------------------------------------------------------------------ close

    /**
     * Writes what is queued in the log, commits, seals and closes. Events queued in the pipeline but not yet indexed
     * are re-indexed from the log at the next start.
     */
    @Override
    public void close() {
        if (closing.getAndSet(true)) {
            return;
        }
        if (timers != null) {
            // no interrupt: an interrupted fsync would close Lucene's files under a commit in progress
            timers.shutdown();
            try {
                if (!timers.awaitTermination(60, TimeUnit.SECONDS)) {
                    log.warn("the event store's commit timer did not stop within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closed = true;
            if (wal != null) {
                wal.stop();
            }
            try {
                if (indexed != null) {
                    long w = indexed.get();
                    commitPartitions(w);
                    committedThrough = w;
                    new Checkpoint(w, evaluated.get()).write(options.dir());
                    sealNow();
                }
            } catch (IOException | RuntimeException e) {
                log.error("closing the event store: final commit failed (recovered from the log at the next start)", e);
            }
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (wal != null) {
            wal.close();
        }
        for (Partition p : partitions.values()) {
            try {
                p.close();
            } catch (IOException | RuntimeException e) {
                log.warn("closing partition {}: {}", p, e.toString());
            }
        }
        partitions.clear();
        unlock();
    }

    /** Abandons the store as a crash would: no commit, no seal, files left as they are (tests only). */
    void crashForTest() {
        closed = true;
        if (timers != null) {
            timers.shutdownNow();
        }
        wal.close();
        for (Partition p : partitions.values()) {
            try {
                p.abandonForTest();
            } catch (IOException e) {
                // as a crash would
            }
        }
        partitions.clear();
        unlock(); // a dead process holds no lock
    }
}
