package dev.vigil.engine.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A SIMD prefilter for a small set of short CONTAINS literals (the "Teddy" algorithm of Hyperscan and of Rust's
 * {@code aho-corasick}), used instead of the {@link ContainsAutomaton} walk on long values when the JDK's incubating
 * Vector API is present ({@code --add-modules jdk.incubator.vector}; see {@link #available()}).
 *
 * <p>The literals' first three characters (their <em>fingerprints</em>) are spread over eight buckets. For each of the
 * three fingerprint positions, two 16-entry tables give, per low and per high nibble of a byte, the buckets with a
 * fingerprint having a character of that nibble there. A scan copies the value's Latin-1 bytes into a per-thread
 * buffer and then for 16 positions at a time looks the nibbles of the bytes at offsets 0, 1
 * and 2 up with byte shuffles ({@code pshufb}) and ANDs the six results: a non-zero lane is a position where some
 * bucket's fingerprint may start. Only those positions are verified: a hash of the three bytes there finds the
 * literals with exactly that fingerprint, each compared eight bytes at a time, and a match is confirmed on the
 * string itself ({@link Fold#LATIN1}, so a character outside Latin-1 whose low byte happens to match never counts).
 *
 * <p>Every literal occurrence starts at a position whose fingerprint bytes are the literal's (the literals are ASCII
 * and lower case, the buffer holds each character's low byte, and the tables and the comparison accept ASCII upper case
 * for lower): no false negatives. As for the
 * {@link SkipScanner}, a folded scan first checks for the five characters outside Latin-1 whose lower case is Latin-1
 * and returns false when there is one (the caller then scans the lower-case form).
 */
final class PackedScanner {
    /** Fewest literal characters in a fingerprint (and in a literal). */
    static final int FINGERPRINT = 3;
    /** Most literals: more would fill the eight buckets with false positives. */
    static final int MAX_LITERALS = 96;
    /** Shortest value worth the copy into the buffer (shorter ones go through the automaton). */
    static final int MIN_VALUE = 24;

    private static final int BUCKETS = 8;
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_128;
    private static final int W = 16;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteVector lo0;
    private final ByteVector lo1;
    private final ByteVector lo2;
    private final ByteVector hi0;
    private final ByteVector hi1;
    private final ByteVector hi2;
    /** Fingerprint (three bytes) → literals {@code [from, to)}, open addressing. */
    private final int[] keys;

    private final int[] from;
    private final int[] to;
    private final int mask;
    /** Literals sorted, as strings, as little-endian words (zero-padded), the last word's mask, atoms. */
    private final String[] lits;

    private final long[][] words;
    private final long[] lastMask;
    private final int[] atoms;

    private PackedScanner(String[] literals, int[] atomIds) {
        int n = literals.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> literals[a].compareTo(literals[b]));
        lits = new String[n];
        words = new long[n][];
        lastMask = new long[n];
        atoms = new int[n];
        for (int k = 0; k < n; k++) {
            String l = literals[order[k]];
            lits[k] = l;
            atoms[k] = atomIds[order[k]];
            byte[] b = Arrays.copyOf(l.getBytes(StandardCharsets.ISO_8859_1), (l.length() + 7) / 8 * 8);
            long[] ws = new long[b.length / 8];
            for (int q = 0; q < ws.length; q++) ws[q] = (long) LONG.get(b, q * 8);
            words[k] = ws;
            int last = l.length() - (ws.length - 1) * 8;
            lastMask[k] = last == 8 ? -1L : (1L << (8 * last)) - 1;
        }
        int cap = Integer.highestOneBit(Math.max(4, n * 4) - 1) << 1;
        keys = new int[cap];
        from = new int[cap];
        to = new int[cap];
        Arrays.fill(from, -1);
        mask = cap - 1;
        List<String> prints = new ArrayList<>();
        for (int k = 0; k < n; ) {
            int key = key(lits[k]);
            int e = k;
            while (e < n && key(lits[e]) == key) e++;
            int slot = mix(key) & mask;
            while (from[slot] >= 0) slot = (slot + 1) & mask;
            keys[slot] = key;
            from[slot] = k;
            to[slot] = e;
            prints.add(lits[k].substring(0, FINGERPRINT));
            k = e;
        }
        byte[][] lo = new byte[FINGERPRINT][W];
        byte[][] hi = new byte[FINGERPRINT][W];
        List<List<String>> buckets = buckets(prints);
        for (int b = 0; b < buckets.size(); b++) {
            for (String p : buckets.get(b)) {
                for (int k = 0; k < FINGERPRINT; k++) {
                    char c = p.charAt(k);
                    lo[k][c & 15] |= (byte) (1 << b);
                    hi[k][c >>> 4] |= (byte) (1 << b);
                    // the bytes are not folded: an ASCII letter also matches its upper case (same low nibble)
                    if (c >= 'a' && c <= 'z') hi[k][(c - 32) >>> 4] |= (byte) (1 << b);
                }
            }
        }
        lo0 = ByteVector.fromArray(SPECIES, lo[0], 0);
        lo1 = ByteVector.fromArray(SPECIES, lo[1], 0);
        lo2 = ByteVector.fromArray(SPECIES, lo[2], 0);
        hi0 = ByteVector.fromArray(SPECIES, hi[0], 0);
        hi1 = ByteVector.fromArray(SPECIES, hi[1], 0);
        hi2 = ByteVector.fromArray(SPECIES, hi[2], 0);
    }

    /**
     * Spreads the fingerprints over the buckets so that each bucket's tables accept few other triples: greedily, each
     * fingerprint goes to the bucket whose accepted set (the product over positions of distinct low times distinct
     * high nibbles) grows least, then three rounds of moving each to its best bucket.
     */
    private static List<List<String>> buckets(List<String> prints) {
        List<List<String>> bs = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) bs.add(new ArrayList<>());
        for (String p : new TreeSet<>(prints)) bs.get(best(bs, p)).add(p);
        for (int round = 0; round < 3; round++) {
            for (String p : prints) {
                for (List<String> b : bs) b.remove(p);
                bs.get(best(bs, p)).add(p);
            }
        }
        return bs;
    }

    private static int best(List<List<String>> bs, String p) {
        int best = 0;
        long bestCost = Long.MAX_VALUE;
        for (int b = 0; b < bs.size(); b++) {
            List<String> with = new ArrayList<>(bs.get(b));
            with.add(p);
            long c = cost(with) - cost(bs.get(b));
            if (c < bestCost) {
                bestCost = c;
                best = b;
            }
        }
        return best;
    }

    private static long cost(List<String> prints) {
        if (prints.isEmpty()) return 0;
        long c = 1;
        for (int k = 0; k < FINGERPRINT; k++) {
            int los = 0;
            int his = 0;
            for (String p : prints) {
                los |= 1 << (p.charAt(k) & 15);
                his |= 1 << (p.charAt(k) >>> 4);
            }
            c *= (long) Integer.bitCount(los) * Integer.bitCount(his);
        }
        return c;
    }

    /** Whether the CPU runs 128-bit byte shuffles as vectors (the Vector API emulates them in Java otherwise). */
    static boolean supported() {
        return ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 128;
    }

    private static int key(String l) {
        return l.charAt(0) | l.charAt(1) << 8 | l.charAt(2) << 16;
    }

    private static int mix(int key) {
        return (key * 0x9E3779B9) >>> 16;
    }

    /**
     * A scanner for these literals (lower-case; each reporting {@code atomIds[i]}), or null when they do not suit
     * one: a literal shorter than {@link #FINGERPRINT} or with a character outside ASCII or upper case, too many.
     */
    static PackedScanner of(String[] literals, int[] atomIds) {
        if (literals.length == 0 || literals.length > MAX_LITERALS) return null;
        for (String l : literals) {
            if (l.length() < FINGERPRINT) return null;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                // NUL never matches the zero padding; ASCII only, lower case (so the vector fold suffices)
                if (c == 0 || c >= 128 || (c >= 'A' && c <= 'Z')) return null;
            }
        }
        return new PackedScanner(literals, atomIds);
    }

    /**
     * Reports every literal occurring in the lower-case form of {@code v} (see {@link SkipScanner#scan} for {@code
     * folded} and the result).
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each character
    boolean scan(String v, boolean folded, Scratch sc) {
        if (folded && SkipScanner.foldsIntoLatin1(v)) return false;
        final int n = v.length();
        byte[] buf = sc.packed;
        if (buf.length < n + 2 * W) buf = sc.packed = new byte[n + 2 * W + 64];
        v.getBytes(0, n, buf, 0);
        final ByteVector zero = ByteVector.zero(SPECIES);
        // zeros after the value: every position read below is written, and zero bytes start no fingerprint
        zero.intoArray(buf, n);
        zero.intoArray(buf, n + W);
        final ByteVector m15 = ByteVector.broadcast(SPECIES, (byte) 15);
        final ByteVector l0 = lo0;
        final ByteVector l1 = lo1;
        final ByteVector l2 = lo2;
        final ByteVector h0 = hi0;
        final ByteVector h1 = hi1;
        final ByteVector h2 = hi2;
        // one block of 16 positions per step, all in this method: a vector passed to a method that is not inlined
        // is boxed, and two blocks per step exceed C2's inlining budget (measured: slower than the automaton)
        for (int i = 0; i < n; i += W) {
            ByteVector b0 = ByteVector.fromArray(SPECIES, buf, i);
            ByteVector b1 = ByteVector.fromArray(SPECIES, buf, i + 1);
            ByteVector b2 = ByteVector.fromArray(SPECIES, buf, i + 2);
            ByteVector r = b0.and(m15).selectFrom(l0).and(high(b0, m15).selectFrom(h0));
            r = r.and(b1.and(m15).selectFrom(l1)).and(high(b1, m15).selectFrom(h1));
            r = r.and(b2.and(m15).selectFrom(l2)).and(high(b2, m15).selectFrom(h2));
            long bits = r.compare(VectorOperators.NE, (byte) 0).toLong();
            while (bits != 0) {
                verify(buf, v, i + Long.numberOfTrailingZeros(bits), sc);
                bits &= bits - 1;
            }
        }
        return true;
    }

    /** The high nibble of each byte (a 16-bit shift: x86 has none for bytes). */
    private static ByteVector high(ByteVector b, ByteVector m15) {
        return b.reinterpretAsShorts()
                .lanewise(VectorOperators.LSHR, 4)
                .reinterpretAsBytes()
                .and(m15);
    }

    /** Verifies the literals whose fingerprint is the three bytes at {@code p}. */
    private void verify(byte[] buf, String v, int p, Scratch sc) {
        long w0 = lower((long) LONG.get(buf, p));
        int key = (int) w0 & 0xFFFFFF;
        int slot = mix(key) & mask;
        int f;
        while (true) {
            f = from[slot];
            if (f < 0) return;
            if (keys[slot] == key) break;
            slot = (slot + 1) & mask;
        }
        next:
        for (int e = f, end = to[slot]; e < end; e++) {
            long[] ws = words[e];
            int last = ws.length - 1;
            if (last == 0) {
                if ((w0 & lastMask[e]) != ws[0]) continue;
            } else {
                if (w0 != ws[0]) continue;
                for (int q = 1; q < last; q++) if (lower((long) LONG.get(buf, p + 8 * q)) != ws[q]) continue next;
                if ((lower((long) LONG.get(buf, p + 8 * last)) & lastMask[e]) != ws[last]) continue;
            }
            if (confirm(v, p, lits[e])) sc.hit(atoms[e]);
        }
    }

    /** The eight bytes of {@code x} with ASCII upper case folded to lower case (SWAR). */
    static long lower(long x) {
        long h = x & 0x7F7F7F7F7F7F7F7FL;
        long upper = (h + 0x3F3F3F3F3F3F3F3FL) & ~(h + 0x2525252525252525L) & ~x & 0x8080808080808080L;
        return x | (upper >>> 2);
    }

    private static boolean confirm(String v, int p, String l) {
        final char[] fold = Fold.LATIN1;
        int n = l.length();
        if (p + n > v.length()) return false;
        for (int j = 0; j < n; j++) {
            char c = v.charAt(p + j);
            if (c >= 256 || fold[c] != l.charAt(j)) return false;
        }
        return true;
    }

    /** Approximate heap bytes. */
    long bytes() {
        long b = 6 * 32 + 12L * keys.length + 8L * lits.length * 3;
        for (String l : lits) b += 40 + 2L * l.length();
        return b;
    }
}
