package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * Finds which of a set of long CONTAINS literals occur in a value by looking at one window of {@link #Q}
 * characters every {@code stride} positions instead of at every position: file-hash lists ({@code Hashes|contains:
 * 'IMPHASH=…'}, hundreds of literals of 36 characters and more) are checked on a 71-character {@code SHA256=…}
 * value at three places, where a {@link GramFilter} slides its window over all 68 positions.
 *
 * <p><b>Sound:</b> with {@code L} the shortest literal's length and {@code stride = L - Q + 1}, an occurrence of a
 * literal of length {@code len >= L} at position {@code p} contains every window starting in {@code [p, p + len -
 * Q]} — an interval of at least {@code stride} positions, so it holds a multiple of {@code stride}, which the scan
 * looks at (and which lies inside the value, since the occurrence does). Every {@code Q}-character window of every literal is in the
 * table with its offset, so the window found there names the literal (and, being 16 characters long, few others), which is then verified at that offset.
 *
 * <p>Case and alphabet as for the {@link SkipScanner}: windows are folded ({@link Fold#LATIN1}); a window with a
 * character outside Latin-1 belongs to no (Latin-1) literal and is passed over; because not every character is read,
 * a folded scan first checks for the five characters outside Latin-1 that lower-case into Latin-1 ({@link
 * SkipScanner#foldsIntoLatin1}) and then returns false so that the caller scans the lower-case form.
 *
 * <p>Memory: one entry per literal position ({@link #MAX_ENTRIES} at most: {@link #of} declines larger sets), a bit
 * set of eight bits per entry in front of the exact table so that most windows cost one cache-resident bit test.
 */
final class SampledGrams {
    /**
     * Window length: 16 characters, packed as two {@code long}s of eight Latin-1 characters each. Long enough that a
     * window names one or two literal positions even in lists whose literals share long prefixes ({@code imphash=},
     * 300 times over, would make a 4-character window verify 300 literals).
     */
    static final int Q = 16;
    /** Shortest stride worth it (shorter literal sets stay with the other scanners, which read every character). */
    static final int MIN_STRIDE = 12;
    /** Most table entries (literal positions): about 24 bytes each. */
    static final int MAX_ENTRIES = 1 << 16;

    private final int stride;
    private final long[] bits;
    private final int shift;
    private final long[] keys;
    private final long[] keys2;
    private final int[] from;
    private final int[] to;
    private final int mask;
    /** Entries grouped by gram: literal, its atom, the gram's offset in it. */
    private final String[] lit;

    private final int[] atom;
    private final int[] offset;

    private SampledGrams(String[] literals, int[] atoms, int shortest, int entries) {
        stride = shortest - Q + 1;
        long[] entryKey = new long[entries];
        long[] entryKey2 = new long[entries];
        int[] entryLit = new int[entries];
        int[] entryOff = new int[entries];
        int e = 0;
        for (int i = 0; i < literals.length; i++) {
            String l = literals[i];
            for (int j = 0; j + Q <= l.length(); j++) {
                entryKey[e] = pack(l, j);
                entryKey2[e] = pack(l, j + 8);
                entryLit[e] = i;
                entryOff[e] = j;
                e++;
            }
        }
        Integer[] order = new Integer[entries];
        for (int i = 0; i < entries; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Long.compare(entryKey[a], entryKey[b]);
            return c != 0 ? c : Long.compare(entryKey2[a], entryKey2[b]);
        });
        lit = new String[entries];
        atom = new int[entries];
        offset = new int[entries];
        int distinct = 0;
        for (int k = 0; k < entries; k++) {
            int i = order[k];
            lit[k] = literals[entryLit[i]];
            atom[k] = atoms[entryLit[i]];
            offset[k] = entryOff[i];
            if (k == 0 || !same(entryKey, entryKey2, order[k - 1], i)) distinct++;
        }
        int nbits = Integer.highestOneBit(Math.max(4096, distinct * 8) * 2 - 1);
        bits = new long[nbits >>> 6];
        shift = 64 - Integer.numberOfTrailingZeros(nbits);
        int cap = Integer.highestOneBit(Math.max(4, distinct * 2) * 2 - 1);
        keys = new long[cap];
        keys2 = new long[cap];
        from = new int[cap];
        to = new int[cap];
        Arrays.fill(from, -1);
        mask = cap - 1;
        int k = 0;
        while (k < entries) {
            long key = entryKey[order[k]];
            long key2 = entryKey2[order[k]];
            int end = k;
            while (end < entries && same(entryKey, entryKey2, order[end], order[k])) end++;
            int h = hash(key, key2);
            bits[h >>> 6] |= 1L << h;
            int slot = LongIntMap.mix(key ^ key2 * GramFilter.MIX) & mask;
            while (from[slot] >= 0) slot = (slot + 1) & mask;
            keys[slot] = key;
            keys2[slot] = key2;
            from[slot] = k;
            to[slot] = end;
            k = end;
        }
    }

    private static boolean same(long[] a, long[] b, int i, int j) {
        return a[i] == a[j] && b[i] == b[j];
    }

    /** Eight Latin-1 characters of {@code s} from {@code off}, one byte each. */
    private static long pack(String s, int off) {
        long k = 0;
        for (int i = 0; i < 8; i++) k = (k << 8) | s.charAt(off + i);
        return k;
    }

    private int hash(long key, long key2) {
        return (int) (((key * GramFilter.MIX) ^ key2) * GramFilter.MIX >>> shift);
    }

    /**
     * A scanner for these literals (lower-case, Latin-1, each reporting {@code atomIds[i]}), or null when they do not
     * suit one: the shortest is shorter than {@code Q + MIN_STRIDE - 1} characters, a character is outside Latin-1, or
     * they have more than {@link #MAX_ENTRIES} positions.
     */
    static SampledGrams of(String[] literals, int[] atomIds) {
        if (literals.length == 0) return null;
        int shortest = Integer.MAX_VALUE;
        long entries = 0;
        for (String l : literals) {
            shortest = Math.min(shortest, l.length());
            entries += Math.max(0, l.length() - Q + 1);
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (c >= 256 || Fold.LATIN1[c] != c) return null;
            }
        }
        if (shortest - Q + 1 < MIN_STRIDE || entries > MAX_ENTRIES) return null;
        return new SampledGrams(literals, atomIds, shortest, (int) entries);
    }

    /** Positions between the windows looked at (the shortest literal's length less {@code Q - 1}). */
    int stride() {
        return stride;
    }

    /**
     * Reports every literal occurring in the lower-case form of {@code v}. With {@code folded}, {@code v} is the raw
     * text (folded as it is read); returns false, having reported nothing, when it has a character that lower-cases
     * into Latin-1 (the caller scans the lower-case form instead). Without, {@code v} is already lower case.
     */
    boolean scan(String v, boolean folded, Scratch sc) {
        if (folded && SkipScanner.foldsIntoLatin1(v)) return false;
        final int last = v.length() - Q;
        final char[] fold = Fold.LATIN1;
        final long[] bits = this.bits;
        next:
        for (int p = 0; p <= last; p += stride) {
            long key = 0;
            long key2 = 0;
            for (int k = 0; k < 8; k++) {
                char c = v.charAt(p + k);
                char d = v.charAt(p + 8 + k);
                if ((c | d) >= 256) continue next; // in no Latin-1 literal
                key = (key << 8) | fold[c];
                key2 = (key2 << 8) | fold[d];
            }
            int h = hash(key, key2);
            if ((bits[h >>> 6] & (1L << h)) != 0) probe(key, key2, v, p, sc);
        }
        return true;
    }

    private void probe(long key, long key2, String v, int pos, Scratch sc) {
        int slot = LongIntMap.mix(key ^ key2 * GramFilter.MIX) & mask;
        while (true) {
            if (from[slot] < 0) return;
            if (keys[slot] == key && keys2[slot] == key2) break;
            slot = (slot + 1) & mask;
        }
        for (int e = from[slot], end = to[slot]; e < end; e++) {
            String l = lit[e];
            int start = pos - offset[e];
            if (start >= 0 && start + l.length() <= v.length() && GramFilter.regionMatches(v, start, l))
                sc.hit(atom[e]);
        }
    }

    /** Approximate heap bytes. */
    long bytes() {
        return bits.length * 8L + keys.length * 24L + lit.length * 12L;
    }

    @Override
    public String toString() {
        return "SampledGrams[stride=" + stride + ", entries=" + lit.length + "]";
    }
}
