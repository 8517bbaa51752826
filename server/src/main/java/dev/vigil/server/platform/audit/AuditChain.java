package dev.vigil.server.platform.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The audit log's hash chain, in plain JDBC so that the server, the API and the offline {@code ./vigil audit verify}
 * compute exactly the same thing without Spring.
 *
 * <p><b>Hash.</b> {@code hash(n) = SHA-256(hash(n-1) || enc(seq) || enc(id) || enc(occurred_at) || enc(actor_type) ||
 * enc(actor_id) || enc(actor_name) || enc(source_ip) || enc(action) || enc(object_type) || enc(object_id) ||
 * enc(before_json) || enc(after_json))}, where {@code hash(0)} is 32 zero bytes, {@code enc(s)} is the 4-byte
 * big-endian length of the UTF-8 bytes of {@code s} followed by those bytes ({@code -1} and nothing for null),
 * {@code seq} is decimal, {@code id} the lower-case UUID, and {@code occurred_at} ISO-8601 UTC at microsecond
 * precision (what PostgreSQL keeps) as {@link DateTimeFormatter#ISO_INSTANT} prints it.
 *
 * <p><b>Verification</b> walks the entries in {@code seq} order and checks: sequence numbers start at 1 with no gap
 * (a deleted row), each {@code prev_hash} is the previous {@code hash} (a removed or reordered row), each
 * {@code hash} matches the recomputed one (an edited row), and the head is not behind the last intact checkpoint
 * (rows cut off the end).
 */
public final class AuditChain {
    /** The previous hash of the first entry. */
    public static final byte[] GENESIS = new byte[32];

    private static final String COLUMNS = "seq, id, occurred_at, actor_type, actor_id, actor_name, source_ip, action,"
            + " object_type, object_id, before_json, after_json, prev_hash, hash";

    private AuditChain() {}

    /** Timestamps are stored with microsecond precision; truncate before hashing and storing. */
    public static Instant normalize(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** The hash of an entry whose fields are given (its own {@code prevHash}/{@code hash} fields are ignored). */
    public static byte[] hash(byte[] prevHash, AuditEntry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(prevHash);
        field(out, Long.toString(e.seq()));
        field(out, e.id().toString());
        field(out, DateTimeFormatter.ISO_INSTANT.format(normalize(e.occurredAt())));
        field(out, e.actorType());
        field(out, e.actorId());
        field(out, e.actorName());
        field(out, e.sourceIp());
        field(out, e.action());
        field(out, e.objectType());
        field(out, e.objectId());
        field(out, e.before());
        field(out, e.after());
        try {
            return MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void field(ByteArrayOutputStream out, String s) {
        if (s == null) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }

    /** Reads one entry from a result set of {@link #select(String)}. */
    public static AuditEntry read(ResultSet rs) throws SQLException {
        Timestamp t = rs.getTimestamp("occurred_at");
        return new AuditEntry(
                rs.getLong("seq"),
                rs.getObject("id", UUID.class),
                t.toInstant(),
                rs.getString("actor_type"),
                rs.getString("actor_id"),
                rs.getString("actor_name"),
                rs.getString("source_ip"),
                rs.getString("action"),
                rs.getString("object_type"),
                rs.getString("object_id"),
                rs.getString("before_json"),
                rs.getString("after_json"),
                hex(rs.getBytes("prev_hash")),
                hex(rs.getBytes("hash")));
    }

    /** {@code select <all columns> from audit_log <tail>}. */
    public static String select(String tail) {
        return "select " + COLUMNS + " from audit_log " + tail;
    }

    /**
     * Verifies the whole chain on {@code connection} (read-only; the caller owns the connection). Does not record a
     * checkpoint.
     */
    public static ChainVerification verify(Connection connection, Instant now) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
        try (PreparedStatement ps = connection.prepareStatement(select("order by seq"))) {
            ps.setFetchSize(1000);
            long expected = 1;
            byte[] prev = GENESIS;
            long count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditEntry e = read(rs);
                    count++;
                    if (e.seq() != expected) {
                        return broken(
                                count,
                                expected,
                                "entry " + expected + (e.seq() > expected ? " is missing (deleted)" : " is duplicated"),
                                now);
                    }
                    byte[] storedPrev = HexFormat.of().parseHex(e.prevHash());
                    if (!Arrays.equals(storedPrev, prev)) {
                        return broken(
                                count,
                                e.seq(),
                                "entry " + e.seq() + " does not link to entry " + (e.seq() - 1)
                                        + " (an entry before it was removed or replaced)",
                                now);
                    }
                    byte[] computed = hash(prev, e);
                    if (!Arrays.equals(computed, HexFormat.of().parseHex(e.hash()))) {
                        return broken(
                                count,
                                e.seq(),
                                "entry " + e.seq() + " was modified (its content does not match its hash)",
                                now);
                    }
                    prev = computed;
                    expected++;
                }
            }
            long head = expected - 1;
            String headHash = head == 0 ? null : hex(prev);
            String cut = checkpointProblem(connection, head, headHash);
            if (cut != null) {
                return new ChainVerification(false, count, head, headHash, head + 1, cut, now);
            }
            return new ChainVerification(true, count, head, headHash, null, null, now);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Compares the head with the latest intact checkpoint; returns a problem or null. */
    private static String checkpointProblem(Connection c, long head, String headHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select head_seq, head_hash from audit_checkpoints where intact order by head_seq desc limit 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return compareAnchor(c, head, rs.getLong(1), hex(rs.getBytes(2)), "checkpoint");
            }
        }
    }

    /**
     * Checks the chain against an anchor (a head seen earlier: a checkpoint, or the server's {@code audit-head}
     * file): the chain must reach at least that far and have the same hash there. Returns a problem or null.
     */
    public static String compareAnchor(Connection c, long head, long anchorSeq, String anchorHash, String what)
            throws SQLException {
        if (anchorSeq == 0) {
            return null;
        }
        if (head < anchorSeq) {
            return "the log ends at entry " + head + " but a " + what + " saw entry " + anchorSeq
                    + " (entries were removed from the end)";
        }
        try (PreparedStatement ps = c.prepareStatement("select hash from audit_log where seq = ?")) {
            ps.setLong(1, anchorSeq);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && anchorHash != null && !anchorHash.equals(hex(rs.getBytes(1)))) {
                    return "entry " + anchorSeq + " differs from the " + what + " (the log was rewritten)";
                }
            }
        }
        return null;
    }

    private static ChainVerification broken(long count, long seq, String problem, Instant now) {
        return new ChainVerification(false, count, seq, null, seq, problem, now);
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().formatHex(b);
    }
}
