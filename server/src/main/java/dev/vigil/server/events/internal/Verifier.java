package dev.vigil.server.events.internal;

import dev.vigil.server.events.IntegrityProblem;
import dev.vigil.server.events.IntegrityProblem.Kind;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * Re-reads the store and checks it against the chain in the ledger.
 *
 * <ul>
 *   <li>Ledger: every row's digest is recomputed from its fields and its predecessor's digest; a gap in batch numbers
 *       or a broken link is reported, and so is a chain head recorded by an earlier verification that is no longer in
 *       the chain (the whole history was recomputed).
 *   <li>Content, per batch (retired batches excepted): the events of its partition with ids in its range are read,
 *       each canonical event is hashed, and the batch's content digest is recomputed in id order. Fewer events than
 *       sealed: missing; more: inserted; same set in another order: reordered; else: modified. The indexed id and
 *       times must agree with the stored bytes (else: modified, even when the bytes are intact).
 *   <li>Events outside every batch of their partition, with ids the chain has sealed: inserted.
 * </ul>
 *
 * Reads one consistent snapshot of every partition; memory is bounded by one batch.
 */
final class Verifier {
    /** Progress and the outcome of one run. */
    static final class Result {
        final List<IntegrityProblem> problems = new ArrayList<>();
        int problemCount;
        long batchesChecked;
        long batchesRetired;
        long eventsChecked;
        Long firstBatch;
        Long lastBatch;
        JdbcLedger.Head head;
        long unsealed;

        void add(IntegrityProblem p) {
            problemCount++;
            if (problems.size() < 1000) {
                problems.add(p);
            }
        }
    }

    private final LuceneEventStore store;

    Verifier(LuceneEventStore store) {
        this.store = store;
    }

    /** Verifies batches whose receive-time range overlaps {@code [from, to)}; null bounds are open. */
    Result verify(Instant from, Instant to, List<JdbcLedger.Head> anchors, LongConsumer progress) throws IOException {
        Result r = new Result();
        store.refresh(); // everything sealed is indexed: make the snapshot see it
        JdbcLedger ledger = store.ledger();
        JdbcLedger.Head head = ledger.head();
        r.head = head;
        r.unsealed = Math.max(0, store.lastId() - head.sealedThrough());
        Map<String, Partition.Lease> leases = new HashMap<>();
        for (Partition p : store.partitions()) {
            try {
                leases.put(p.name, p.acquire());
            } catch (org.apache.lucene.store.AlreadyClosedException e) {
                // dropped by retention just now
            }
        }
        Map<String, List<long[]>> ranges = new HashMap<>();
        try {
            long[] bounds = ledger.batchBounds(from, to);
            SealedBatch[] previous = {null};
            if (bounds != null) {
                r.firstBatch = bounds[0];
                r.lastBatch = bounds[1];
                ledger.forEachBatch(Math.max(1, bounds[0] - 1), bounds[1], b -> {
                    checkLink(b, previous[0], r);
                    previous[0] = b;
                    if (b.batchNo() < bounds[0]) {
                        return; // the predecessor: only its link matters
                    }
                    ranges.computeIfAbsent(b.partition(), k -> new ArrayList<>())
                            .add(new long[] {b.firstId(), b.lastId()});
                    if (b.retiredAt() != null) {
                        r.batchesRetired++;
                    } else {
                        Partition.Lease l = leases.get(b.partition());
                        if (l == null) {
                            r.add(problem(
                                    Kind.PARTITION_MISSING,
                                    b,
                                    null,
                                    0,
                                    "partition " + b.partition() + " is gone but retention did not remove it"));
                        } else {
                            try {
                                checkContent(b, l.searcher(), r);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                        r.batchesChecked++;
                    }
                    progress.accept(b.batchNo());
                });
            }
            // the head row must be the last row and carry its digest
            if (head.batchNo() > 0 && (to == null)) {
                SealedBatch last = previous[0];
                if (last == null || last.batchNo() != head.batchNo() || !Arrays.equals(last.digest(), head.digest())) {
                    r.add(new IntegrityProblem(
                            Kind.CHAIN_BROKEN,
                            head.batchNo(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            "the chain head (batch " + head.batchNo()
                                    + ") does not match the last batch row: rows were removed or changed at the end"));
                }
            }
            for (JdbcLedger.Head a : anchors) {
                var row = ledger.batch(a.batchNo());
                if (row.isEmpty() || !Arrays.equals(row.get().digest(), a.digest())) {
                    r.add(new IntegrityProblem(
                            Kind.ANCHOR_MISMATCH,
                            a.batchNo(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            "batch " + a.batchNo() + " had digest " + LuceneEventStore.hex(a.digest())
                                    + " when an earlier verification ran; the chain was rewritten since"));
                }
            }
            if (from == null && to == null) {
                for (Map.Entry<String, Partition.Lease> e : leases.entrySet()) {
                    outside(e.getKey(), e.getValue().searcher(), ranges.getOrDefault(e.getKey(), List.of()), head, r);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            for (Partition.Lease l : leases.values()) {
                l.close();
            }
        }
        return r;
    }

    private static void checkLink(SealedBatch b, SealedBatch prev, Result r) {
        if (!Arrays.equals(b.expectedDigest(), b.digest())) {
            r.add(problem(
                    Kind.CHAIN_BROKEN,
                    b,
                    null,
                    null,
                    "the ledger row of batch " + b.batchNo() + " does not match its digest (the row was changed)"));
        }
        if (prev == null) {
            if (b.batchNo() == 1 && !Arrays.equals(b.prevDigest(), ChainDigests.GENESIS)) {
                r.add(problem(Kind.CHAIN_BROKEN, b, null, null, "the first batch does not start the chain"));
            }
            return;
        }
        if (b.batchNo() != prev.batchNo() + 1) {
            r.add(problem(
                    Kind.LEDGER_GAP,
                    b,
                    null,
                    null,
                    "ledger rows for batches " + (prev.batchNo() + 1) + ".." + (b.batchNo() - 1) + " are missing"));
        } else if (!Arrays.equals(b.prevDigest(), prev.digest())) {
            r.add(problem(
                    Kind.CHAIN_BROKEN,
                    b,
                    null,
                    null,
                    "batch " + b.batchNo() + " does not link to batch " + prev.batchNo()));
        }
    }

    private void checkContent(SealedBatch b, IndexSearcher s, Result r) throws IOException {
        Query q = LongField.newRangeQuery(EventDocuments.ID, b.firstId(), b.lastId());
        Weight w = s.createWeight(s.rewrite(q), ScoreMode.COMPLETE_NO_SCORES, 1f);
        List<long[]> docs = new ArrayList<>(); // {id, global doc}
        boolean indexDisagrees = false;
        for (LeafReaderContext c : s.getIndexReader().leaves()) {
            Scorer sc = w.scorer(c);
            if (sc == null) {
                continue;
            }
            SortedNumericDocValues ids = DocValues.getSortedNumeric(c.reader(), EventDocuments.ID);
            Bits live = c.reader().getLiveDocs();
            DocIdSetIterator it = sc.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                if (ids.advanceExact(doc)) {
                    docs.add(new long[] {ids.nextValue(), c.docBase + doc, c.ord, doc});
                }
            }
        }
        docs.sort(Comparator.comparingLong(d -> d[1]));
        StoredFields sf = s.storedFields();
        MessageDigest sha = ChainDigests.sha256();
        List<Object[]> hashed = new ArrayList<>(docs.size()); // {id, hash}
        for (long[] d : docs) {
            byte[] c = LuceneSearch.canonical(sf, (int) d[1]);
            if (c == null) {
                c = new byte[0];
            }
            hashed.add(new Object[] {d[0], sha.digest(c)});
            LeafReaderContext leaf = s.getIndexReader().leaves().get((int) d[2]);
            if (!indexAgrees(leaf, (int) d[3], c)) {
                indexDisagrees = true;
            }
        }
        r.eventsChecked += hashed.size();
        hashed.sort(Comparator.comparingLong(x -> (Long) x[0]));
        int found = hashed.size();
        if (found < b.count()) {
            r.add(problem(
                    Kind.MISSING,
                    b,
                    b.count(),
                    found,
                    (b.count() - found) + " of the batch's " + b.count() + " events are missing"));
            return;
        }
        ChainDigests.BatchDigest digest = new ChainDigests.BatchDigest();
        long previousId = Long.MIN_VALUE;
        boolean duplicate = false;
        for (Object[] h : hashed) {
            long id = (Long) h[0];
            duplicate |= id == previousId;
            previousId = id;
            digest.add(id, (byte[]) h[1]);
        }
        if (found > b.count() || duplicate) {
            r.add(problem(
                    Kind.INSERTED,
                    b,
                    b.count(),
                    found,
                    (found - b.count()) + " events were added to the batch's id range"
                            + (duplicate ? " (with ids already taken)" : "")));
            return;
        }
        if (!Arrays.equals(digest.content(), b.contentDigest())) {
            if (Arrays.equals(digest.set(), b.setDigest())) {
                r.add(
                        problem(
                                Kind.REORDERED,
                                b,
                                b.count(),
                                found,
                                "the batch's events are all present but no longer under the ids (order) they were sealed with"));
            } else {
                r.add(problem(Kind.MODIFIED, b, b.count(), found, "events of the batch were changed"));
            }
            return;
        }
        if (indexDisagrees) {
            r.add(problem(
                    Kind.MODIFIED,
                    b,
                    b.count(),
                    found,
                    "the index's time fields of events in the batch disagree with the stored events"));
        }
    }

    /** The indexed receive and event times must be those of the stored bytes. */
    private static boolean indexAgrees(LeafReaderContext leaf, int doc, byte[] canonical) throws IOException {
        if (canonical.length < 14) {
            return false;
        }
        Instant received;
        Instant time;
        try {
            received = Canonical.receivedAt(canonical);
            time = Canonical.eventTime(canonical);
        } catch (RuntimeException e) {
            return false;
        }
        SortedNumericDocValues rv = DocValues.getSortedNumeric(leaf.reader(), EventDocuments.RECEIVED);
        SortedNumericDocValues tv = DocValues.getSortedNumeric(leaf.reader(), EventDocuments.TIME);
        return rv.advanceExact(doc)
                && rv.nextValue() == EventDocuments.millis(received)
                && tv.advanceExact(doc)
                && tv.nextValue() == EventDocuments.millis(time != null ? time : received);
    }

    /** Events in a partition that no batch of it covers although their id is sealed. */
    private static void outside(String partition, IndexSearcher s, List<long[]> ranges, JdbcLedger.Head head, Result r)
            throws IOException {
        long[][] sorted = ranges.toArray(long[][]::new);
        Arrays.sort(sorted, Comparator.comparingLong(x -> x[0]));
        List<Long> strays = new ArrayList<>();
        int count = 0;
        for (LeafReaderContext c : s.getIndexReader().leaves()) {
            SortedNumericDocValues ids = DocValues.getSortedNumeric(c.reader(), EventDocuments.ID);
            Bits live = c.reader().getLiveDocs();
            for (int doc = ids.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = ids.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                long id = ids.nextValue();
                if (id > head.sealedThrough() || covered(sorted, id)) {
                    continue;
                }
                count++;
                if (strays.size() < 20) {
                    strays.add(id);
                }
            }
        }
        if (count > 0) {
            strays.sort(null);
            r.add(new IntegrityProblem(
                    Kind.INSERTED,
                    null,
                    partition,
                    strays.get(0),
                    strays.get(strays.size() - 1),
                    null,
                    null,
                    null,
                    null,
                    0,
                    count,
                    count + " event(s) in partition " + partition
                            + " lie outside every sealed batch (ids " + strays + (count > strays.size() ? ", …" : "")
                            + ")"));
        }
    }

    private static boolean covered(long[][] sorted, long id) {
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid][0] > id) {
                hi = mid - 1;
            } else if (sorted[mid][1] < id) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static IntegrityProblem problem(Kind kind, SealedBatch b, Integer expected, Integer found, String detail) {
        return new IntegrityProblem(
                kind,
                b.batchNo(),
                b.partition(),
                b.firstId(),
                b.lastId(),
                b.firstReceived(),
                b.lastReceived(),
                b.minEventTime(),
                b.maxEventTime(),
                expected,
                found,
                detail);
    }
}
