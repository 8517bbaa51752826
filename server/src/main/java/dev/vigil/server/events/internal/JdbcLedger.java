package dev.vigil.server.events.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chain's digests in PostgreSQL: {@code event_batches} (one row per sealed batch), {@code event_chain} (the head:
 * last batch, its digest, and the id through which events are sealed) and {@code event_partitions} (partitions with
 * sealed events, and which retention retired). A seal is one transaction that checks the head it extends, so two
 * sealers can never fork the chain.
 */
final class JdbcLedger {
    /** The chain's head. */
    record Head(long sealedThrough, long batchNo, byte[] digest) {}

    /** A partition known to the ledger. */
    record PartitionRow(String name, LocalDate day, int retentionDays, Instant retiredAt, String retiredReason) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    JdbcLedger(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    Head head() {
        List<Head> h = jdbc.query(
                "select sealed_through, head_batch, head_digest from event_chain where id = 1",
                (rs, i) -> new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
        return h.isEmpty() ? new Head(0, 0, ChainDigests.GENESIS) : h.get(0);
    }

    /** The head, or {@code fallback} when the database cannot be reached. */
    Head headQuietly(Head fallback) {
        try {
            return head();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /**
     * Appends sealed batches and moves the head to {@code sealedThrough}, in one transaction.
     *
     * @throws IllegalStateException when the head is no longer {@code expected} (nothing is written)
     */
    void seal(
            Head expected, List<SealedBatch> batches, long sealedThrough, List<PartitionRow> partitions, Instant now) {
        tx.executeWithoutResult(status -> {
            List<Head> current = jdbc.query(
                    "select sealed_through, head_batch, head_digest from event_chain where id = 1 for update",
                    (rs, i) -> new Head(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
            Head h = current.isEmpty() ? new Head(0, 0, ChainDigests.GENESIS) : current.get(0);
            if (h.batchNo() != expected.batchNo() || !Arrays.equals(h.digest(), expected.digest())) {
                throw new IllegalStateException("the chain head moved (batch " + h.batchNo() + ", expected "
                        + expected.batchNo() + "); is another server sealing the same store?");
            }
            for (PartitionRow p : partitions) {
                jdbc.update(
                        "insert into event_partitions (name, day, retention_days, first_sealed_at) values (?, ?, ?, ?)"
                                + " on conflict (name) do nothing",
                        p.name(),
                        java.sql.Date.valueOf(p.day()),
                        p.retentionDays(),
                        Timestamp.from(now));
            }
            jdbc.batchUpdate("""
                    insert into event_batches (batch_no, partition, first_id, last_id, event_count, first_received,
                        last_received, min_event_time, max_event_time, content_digest, set_digest, prev_digest, digest,
                        sealed_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", batches, 500, (PreparedStatement ps, SealedBatch b) -> {
                ps.setLong(1, b.batchNo());
                ps.setString(2, b.partition());
                ps.setLong(3, b.firstId());
                ps.setLong(4, b.lastId());
                ps.setInt(5, b.count());
                ps.setTimestamp(6, Timestamp.from(b.firstReceived()));
                ps.setTimestamp(7, Timestamp.from(b.lastReceived()));
                ps.setTimestamp(8, b.minEventTime() == null ? null : Timestamp.from(b.minEventTime()));
                ps.setTimestamp(9, b.maxEventTime() == null ? null : Timestamp.from(b.maxEventTime()));
                ps.setBytes(10, b.contentDigest());
                ps.setBytes(11, b.setDigest());
                ps.setBytes(12, b.prevDigest());
                ps.setBytes(13, b.digest());
                ps.setTimestamp(14, Timestamp.from(b.sealedAt()));
            });
            SealedBatch last = batches.isEmpty() ? null : batches.get(batches.size() - 1);
            long headBatch = last == null ? h.batchNo() : last.batchNo();
            byte[] headDigest = last == null ? h.digest() : last.digest();
            jdbc.update("""
                    insert into event_chain (id, sealed_through, head_batch, head_digest, updated_at)
                    values (1, ?, ?, ?, ?)
                    on conflict (id) do update set sealed_through = excluded.sealed_through,
                        head_batch = excluded.head_batch, head_digest = excluded.head_digest,
                        updated_at = excluded.updated_at""", sealedThrough, headBatch, headDigest, Timestamp.from(now));
        });
    }

    /**
     * The first and last batch numbers whose receive-time range overlaps {@code [from, to)} (null: unbounded), or null
     * when there is none.
     */
    long[] batchBounds(Instant from, Instant to) {
        StringBuilder where = new StringBuilder("true");
        List<Object> args = new java.util.ArrayList<>();
        if (from != null) {
            where.append(" and last_received >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            where.append(" and first_received < ?");
            args.add(Timestamp.from(to));
        }
        long[] bounds = jdbc.queryForObject(
                "select coalesce(min(batch_no), 0), coalesce(max(batch_no), -1) from event_batches where " + where,
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)},
                args.toArray());
        return bounds[1] < bounds[0] ? null : bounds;
    }

    /** Streams the batches overlapping {@code [from, to)} in chain order. */
    void forEachBatch(Instant from, Instant to, Consumer<SealedBatch> each) {
        long[] b = batchBounds(from, to);
        if (b != null) {
            forEachBatch(b[0], b[1], each);
        }
    }

    /** Streams the rows with batch numbers in {@code [first, last]}, in order. */
    void forEachBatch(long first, long last, Consumer<SealedBatch> each) {
        tx.executeWithoutResult(status -> {
            JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
            streaming.setFetchSize(1000);
            streaming.query(
                    "select * from event_batches where batch_no between ? and ? order by batch_no",
                    rs -> {
                        each.accept(batch(rs));
                    },
                    first,
                    last);
        });
    }

    /** One ledger row. */
    Optional<SealedBatch> batch(long batchNo) {
        List<SealedBatch> l =
                jdbc.query("select * from event_batches where batch_no = ?", (rs, i) -> batch(rs), batchNo);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    static SealedBatch batch(ResultSet rs) throws SQLException {
        return new SealedBatch(
                rs.getLong("batch_no"),
                rs.getString("partition"),
                rs.getLong("first_id"),
                rs.getLong("last_id"),
                rs.getInt("event_count"),
                instant(rs, "first_received"),
                instant(rs, "last_received"),
                instant(rs, "min_event_time"),
                instant(rs, "max_event_time"),
                rs.getBytes("content_digest"),
                rs.getBytes("set_digest"),
                rs.getBytes("prev_digest"),
                rs.getBytes("digest"),
                instant(rs, "sealed_at"),
                instant(rs, "retired_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    List<PartitionRow> partitions() {
        return jdbc.query(
                "select name, day, retention_days, retired_at, retired_reason from event_partitions order by name",
                (rs, i) -> new PartitionRow(
                        rs.getString(1),
                        rs.getDate(2).toLocalDate(),
                        rs.getInt(3),
                        instant(rs, "retired_at"),
                        rs.getString(5)));
    }

    /** Records that retention removed a partition: the partition and its batches are marked retired. */
    void retire(String partition, LocalDate day, int retentionDays, Instant at, String reason, Runnable inTransaction) {
        tx.executeWithoutResult(status -> {
            jdbc.update(
                    "insert into event_partitions (name, day, retention_days, first_sealed_at) values (?, ?, ?, ?)"
                            + " on conflict (name) do nothing",
                    partition,
                    java.sql.Date.valueOf(day),
                    retentionDays,
                    Timestamp.from(at));
            jdbc.update(
                    "update event_partitions set retired_at = ?, retired_reason = ? where name = ? and retired_at is null",
                    Timestamp.from(at),
                    reason,
                    partition);
            jdbc.update(
                    "update event_batches set retired_at = ? where partition = ? and retired_at is null",
                    Timestamp.from(at),
                    partition);
            inTransaction.run();
        });
    }

    /** Number of batches and sealed events (all, and not retired). */
    long[] totals() {
        return jdbc.queryForObject(
                "select count(*), coalesce(sum(event_count), 0), count(*) filter (where retired_at is null),"
                        + " coalesce(sum(event_count) filter (where retired_at is null), 0) from event_batches",
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }
}
