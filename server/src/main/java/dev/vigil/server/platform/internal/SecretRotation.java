package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.platform.crypto.SecretKeyRotation;
import dev.vigil.server.platform.internal.SealedColumns.SealedColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-seals every stored box ({@link SealedColumns}) with the current key, so that a previous key can be dropped.
 *
 * <p>How. Column by column, in key order, in batches of {@value #BATCH} rows: each batch is one transaction that locks
 * its rows ({@code for update}, so a concurrent change or a second rotation waits instead of being overwritten),
 * re-seals the boxes not yet under the current key and records one audit entry with the count, as its last statement.
 * A crash or failure loses at most the batch in flight (rolled back whole), and running it again resumes: boxes already
 * under the current key are skipped by their key id, without decrypting. A box that no configured key opens is left as
 * it is and reported (table, row key), never dropped: the operator adds the missing key and runs it again.
 *
 * <p>Why in the server (an administrator's {@code POST /api/v1/system/secrets/rotate}) rather than an offline tool:
 * the server already holds exactly the keys a rotation needs (new current and old previous, which every node must
 * have anyway to keep opening secrets while boxes of both kinds exist), so no second process gets key material; the
 * rotation is authorised and audited like every other change, under the administrator's name; and it runs while the
 * server serves, on the bundled or an external database alike.
 */
@Service
class SecretRotation implements SecretKeyRotation {
    private static final Logger log = LoggerFactory.getLogger(SecretRotation.class);
    static final int BATCH = 200;
    /** At most this many unreadable row keys are listed per column (the count is complete). */
    static final int LISTED = 20;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SecretBox box;
    private final AuditLog audit;
    private final List<SealedColumn> columns;

    @org.springframework.beans.factory.annotation.Autowired
    SecretRotation(JdbcClient jdbc, TransactionTemplate tx, SecretBox box, AuditLog audit) {
        this(jdbc, tx, box, audit, SealedColumns.ALL);
    }

    SecretRotation(JdbcClient jdbc, TransactionTemplate tx, SecretBox box, AuditLog audit, List<SealedColumn> columns) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.box = box;
        this.audit = audit;
        this.columns = List.copyOf(columns);
    }

    /** Called after each batch's changes, inside its transaction (tests interrupt a rotation here). */
    interface BatchListener {
        BatchListener NONE = (column, resealed) -> {};

        void afterBatch(SealedColumn column, int resealed);
    }

    @Override
    public Result rotate() {
        return rotate(BATCH, BatchListener.NONE);
    }

    Result rotate(int batchSize, BatchListener listener) {
        List<ColumnResult> results = new ArrayList<>();
        long total = 0;
        boolean complete = true;
        for (SealedColumn c : columns) {
            ColumnResult r = rotate(c, batchSize, listener);
            results.add(r);
            total += r.resealed();
            complete &= r.unreadable() == 0;
        }
        Result result = new Result(box.keyId(), box.previousKeyIds(), List.copyOf(results), total, complete);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("keyId", result.keyId());
        summary.put("complete", complete);
        summary.put(
                "resealed",
                results.stream()
                        .collect(java.util.stream.Collectors.toMap(
                                r -> r.table() + "." + r.column(), ColumnResult::resealed, Long::sum, TreeMap::new)));
        summary.put(
                "unreadable",
                results.stream().mapToLong(ColumnResult::unreadable).sum());
        audit.record("secrets_rotated", "secret_key", result.keyId(), null, summary);
        log.info("at-rest secrets re-sealed with key {}: {} box(es), complete: {}", result.keyId(), total, complete);
        return result;
    }

    private ColumnResult rotate(SealedColumn c, int batchSize, BatchListener listener) {
        long resealed = 0;
        long current = 0;
        long unreadable = 0;
        List<String> unreadableRows = new ArrayList<>();
        Object after = null;
        while (true) {
            Object from = after;
            Batch b = tx.execute(status -> batch(c, from, batchSize, listener));
            resealed += b.resealed;
            current += b.current;
            unreadable += b.unreadable.size();
            for (String k : b.unreadable) {
                if (unreadableRows.size() < LISTED) {
                    unreadableRows.add(k);
                }
            }
            if (b.last == null) {
                break;
            }
            after = b.last;
        }
        if (unreadable > 0) {
            log.error(
                    "{}: {} stored secret(s) open with none of the configured keys and were left as they are (rows {})",
                    c.name(),
                    unreadable,
                    unreadableRows);
        }
        return new ColumnResult(c.table(), c.column(), resealed, current, unreadable, List.copyOf(unreadableRows));
    }

    private record Row(Object key, byte[] value) {}

    private static final class Batch {
        int resealed;
        int current;
        final List<String> unreadable = new ArrayList<>();
        /** The last row key of a full batch (the next batch starts after it); null when this was the last one. */
        Object last;
    }

    private Batch batch(SealedColumn c, Object after, int batchSize, BatchListener listener) {
        String select = "select " + c.key() + ", " + c.column() + " from " + c.table() + " where " + c.column()
                + " is not null" + (after == null ? "" : " and " + c.key() + " > ?") + " order by " + c.key()
                + " limit " + batchSize + " for update";
        JdbcClient.StatementSpec spec = jdbc.sql(select);
        if (after != null) {
            spec = spec.param(after);
        }
        List<Row> rows =
                spec.query((rs, i) -> new Row(rs.getObject(1), rs.getBytes(2))).list();
        Batch b = new Batch();
        for (Row row : rows) {
            if (box.isCurrent(row.value())) {
                b.current++;
                continue;
            }
            byte[] sealed;
            try {
                sealed = box.reseal(row.value());
            } catch (IllegalStateException e) {
                b.unreadable.add(String.valueOf(row.key()));
                continue;
            }
            jdbc.sql("update " + c.table() + " set " + c.column() + " = ? where " + c.key() + " = ?")
                    .params(sealed, row.key())
                    .update();
            b.resealed++;
        }
        if (b.resealed > 0) {
            audit.record(
                    "secrets_resealed",
                    "sealed_column",
                    c.name(),
                    null,
                    Map.of(
                            "keyId",
                            box.keyId(),
                            "rows",
                            b.resealed,
                            "from",
                            String.valueOf(rows.getFirst().key()),
                            "to",
                            String.valueOf(rows.getLast().key())));
        }
        listener.afterBatch(c, b.resealed);
        b.last = rows.size() == batchSize ? rows.getLast().key() : null;
        return b;
    }

    /**
     * Where every stored box stands: per column, how many are under which key id ({@code legacy}: the format without
     * key id, whichever key opens it) and how many no configured key opens. Opens every box (the tables are small).
     */
    @Override
    public Status status() {
        return new Status(box.keyId(), box.previousKeyIds(), columnStatus());
    }

    List<ColumnStatus> columnStatus() {
        return status(jdbc, box, columns);
    }

    static List<ColumnStatus> status(JdbcClient jdbc, SecretBox box, List<SealedColumn> columns) {
        List<ColumnStatus> out = new ArrayList<>();
        for (SealedColumn c : columns) {
            Map<String, Long> byKey = new TreeMap<>();
            long[] unreadable = {0};
            jdbc.sql("select " + c.column() + " from " + c.table() + " where " + c.column() + " is not null")
                    .query(rs -> {
                        byte[] v = rs.getBytes(1);
                        if (!box.canOpen(v)) {
                            unreadable[0]++;
                        } else {
                            byKey.merge(SecretBox.keyIdOf(v).orElse("legacy"), 1L, Long::sum);
                        }
                    });
            out.add(new ColumnStatus(c.table(), c.column(), byKey, unreadable[0]));
        }
        return out;
    }
}
