package dev.vigil.server.events.internal;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals events into the chain: reads the write-ahead log for ids in {@code (sealedThrough, through]} (events that are
 * durable and in a Lucene commit), groups them per partition into batches of at most {@code maxBatch} events, computes
 * the digests and appends the batches to the {@link JdbcLedger} in one transaction. The hashes come from the bytes
 * that were acknowledged (the log), not from the index, so the verifier compares the index against what was received.
 *
 * <p>Runs on the store's commit thread only; after a crash the same range is sealed again from the log (the log keeps
 * every event until it is sealed).
 */
final class Sealer {
    private final WriteAheadLog wal;
    private final JdbcLedger ledger;
    private final int maxBatch;
    private final Clock clock;

    Sealer(WriteAheadLog wal, JdbcLedger ledger, int maxBatch, Clock clock) {
        this.wal = wal;
        this.ledger = ledger;
        this.maxBatch = maxBatch;
        this.clock = clock;
    }

    /** One batch being filled. */
    private static final class Open {
        final String partition;
        final LocalDate day;
        final int retention;
        final ChainDigests.BatchDigest digest = new ChainDigests.BatchDigest();
        long firstId;
        long lastId;
        Instant firstReceived;
        Instant lastReceived;
        Instant minTime;
        Instant maxTime;

        Open(String partition, LocalDate day, int retention) {
            this.partition = partition;
            this.day = day;
            this.retention = retention;
        }

        void add(long id, byte[] hash, Instant received, Instant time) {
            if (digest.count() == 0) {
                firstId = id;
                firstReceived = received;
                lastReceived = received;
            }
            lastId = id;
            firstReceived = received.isBefore(firstReceived) ? received : firstReceived;
            lastReceived = received.isAfter(lastReceived) ? received : lastReceived;
            if (time != null) {
                minTime = minTime == null || time.isBefore(minTime) ? time : minTime;
                maxTime = maxTime == null || time.isAfter(maxTime) ? time : maxTime;
            }
            digest.add(id, hash);
        }
    }

    /**
     * Seals {@code (head.sealedThrough, through]}. Returns the new head, or the old one when there was nothing to
     * seal.
     *
     * @throws RuntimeException when the ledger cannot be written (PostgreSQL down): nothing is sealed, retry later
     */
    JdbcLedger.Head seal(JdbcLedger.Head head, long through) {
        if (through <= head.sealedThrough()) {
            return head;
        }
        Map<String, Open> open = new LinkedHashMap<>();
        List<Open> closed = new ArrayList<>();
        MessageDigest sha = ChainDigests.sha256();
        Iterator<WriteAheadLog.Record> records = wal.records(head.sealedThrough(), through);
        while (records.hasNext()) {
            WriteAheadLog.Record r = records.next();
            for (int i = 0; i < r.count(); i++) {
                long id = r.firstSeq() + i;
                if (id <= head.sealedThrough() || id > through) {
                    continue;
                }
                byte[] c = r.events()[i];
                Instant received = Canonical.receivedAt(c);
                LocalDate day = LocalDate.ofInstant(received, ZoneOffset.UTC);
                int retention = r.retentionDays()[i];
                String name = Partition.nameOf(day, retention);
                Open o = open.computeIfAbsent(name, n -> new Open(n, day, retention));
                o.add(
                        id,
                        sha.digest(c),
                        ChainDigests.toMicros(received),
                        ChainDigests.toMicros(Canonical.eventTime(c)));
                if (o.digest.count() >= maxBatch) {
                    closed.add(o);
                    open.remove(name);
                }
            }
        }
        closed.addAll(open.values());
        if (closed.isEmpty()) {
            // nothing durable in the range (ids of failed writes): just move the head
            ledger.seal(head, List.of(), through, List.of(), clock.instant());
            return new JdbcLedger.Head(through, head.batchNo(), head.digest());
        }
        Instant now = clock.instant();
        List<SealedBatch> batches = new ArrayList<>(closed.size());
        Map<String, JdbcLedger.PartitionRow> partitions = new LinkedHashMap<>();
        long batchNo = head.batchNo();
        byte[] prev = head.digest();
        for (Open o : closed) {
            batchNo++;
            byte[] content = o.digest.content();
            byte[] set = o.digest.set();
            byte[] digest = ChainDigests.chain(
                    prev,
                    batchNo,
                    o.partition,
                    o.firstId,
                    o.lastId,
                    o.digest.count(),
                    o.firstReceived,
                    o.lastReceived,
                    o.minTime,
                    o.maxTime,
                    content,
                    set);
            batches.add(new SealedBatch(
                    batchNo,
                    o.partition,
                    o.firstId,
                    o.lastId,
                    o.digest.count(),
                    o.firstReceived,
                    o.lastReceived,
                    o.minTime,
                    o.maxTime,
                    content,
                    set,
                    prev,
                    digest,
                    now,
                    null));
            partitions.putIfAbsent(
                    o.partition, new JdbcLedger.PartitionRow(o.partition, o.day, o.retention, null, null));
            prev = digest;
        }
        ledger.seal(head, batches, through, List.copyOf(partitions.values()), now);
        return new JdbcLedger.Head(through, batchNo, prev);
    }
}
