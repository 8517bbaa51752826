package dev.vigil.server.events.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;

/**
 * The digests of the tamper-evident chain (SHA-256). Per event {@code h = SHA-256(canonical bytes)}; per batch a
 * content digest over {@code (id, h)} in id order, a set digest over the sorted {@code h}, and the chain digest
 *
 * <pre>
 * SHA-256("vigil-event-batch/1" 0x00 | prev | batchNo | partition | firstId | lastId | count
 *         | firstReceived | lastReceived | minEventTime | maxEventTime | content | set)
 * </pre>
 *
 * with times as epoch microseconds (PostgreSQL's precision; {@link Long#MIN_VALUE} for none), numbers big-endian and
 * the partition as length-prefixed UTF-8. The first batch's {@code prev} is 32 zero bytes. Changing any stored event,
 * its id, its batch row or the order of rows changes a digest that a later row or the verifier depends on.
 */
final class ChainDigests {
    static final byte[] GENESIS = new byte[32];
    private static final byte[] DOMAIN = "vigil-event-batch/1\0".getBytes(StandardCharsets.UTF_8);

    private ChainDigests() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long micros(Instant t) {
        if (t == null) {
            return Long.MIN_VALUE;
        }
        Instant c = EventDocuments.clamp(t);
        return Math.addExact(Math.multiplyExact(c.getEpochSecond(), 1_000_000L), c.getNano() / 1000);
    }

    /** {@code t} at microsecond precision (what PostgreSQL keeps), clamped to its range; null stays null. */
    static Instant toMicros(Instant t) {
        if (t == null) {
            return null;
        }
        long m = micros(t);
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    }

    static byte[] chain(
            byte[] prev,
            long batchNo,
            String partition,
            long firstId,
            long lastId,
            int count,
            Instant firstReceived,
            Instant lastReceived,
            Instant minEventTime,
            Instant maxEventTime,
            byte[] content,
            byte[] set) {
        MessageDigest d = sha256();
        d.update(DOMAIN);
        d.update(prev);
        byte[] p = partition.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + p.length + 8 + 8 + 4 + 32);
        b.putLong(batchNo)
                .putInt(p.length)
                .put(p)
                .putLong(firstId)
                .putLong(lastId)
                .putInt(count);
        b.putLong(micros(firstReceived)).putLong(micros(lastReceived));
        d.update(b.array(), 0, b.position());
        b.clear();
        b.putLong(micros(minEventTime)).putLong(micros(maxEventTime));
        d.update(b.array(), 0, 16);
        d.update(content);
        d.update(set);
        return d.digest();
    }

    /** Accumulates the content and set digests of one batch, event by event in id order. */
    static final class BatchDigest {
        private final MessageDigest content = sha256();
        private final ByteBuffer idBuf = ByteBuffer.allocate(8);
        private byte[][] hashes = new byte[64][];
        private int n;

        void add(long id, byte[] eventHash) {
            idBuf.clear();
            idBuf.putLong(id);
            content.update(idBuf.array());
            content.update(eventHash);
            if (n == hashes.length) {
                hashes = Arrays.copyOf(hashes, n * 2);
            }
            hashes[n++] = eventHash;
        }

        int count() {
            return n;
        }

        byte[] content() {
            return content.digest();
        }

        byte[] set() {
            byte[][] sorted = Arrays.copyOf(hashes, n);
            Arrays.sort(sorted, Arrays::compareUnsigned);
            MessageDigest s = sha256();
            for (byte[] h : sorted) {
                s.update(h);
            }
            return s.digest();
        }
    }
}
