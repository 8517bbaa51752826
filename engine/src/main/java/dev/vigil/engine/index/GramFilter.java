package dev.vigil.engine.index;

import dev.vigil.engine.compile.RegexLiterals;
import java.util.Arrays;

/**
 * Finds which of many long literals (at least {@link #Q} characters) occur in a value, with a working set small
 * enough to stay in the L1/L2 cache — which a large Aho–Corasick automaton does not (5,000 command-line literals
 * make a DFA of megabytes, and every character became a cache miss).
 *
 * <p>Each literal is represented by one of its {@code Q}-grams, its <em>anchor</em>: the one that is rarest by
 * estimated character frequency ({@link RegexLiterals#charFrequency}) times the number of literals sharing it. A scan slides a window of {@code Q} folded characters over the value (packed exactly into one
 * {@code long}), tests a bit of a small Bloom-style bit set, and only on a set bit probes the exact table of anchors
 * and verifies each literal registered under that anchor at its offset. A literal that occurs in the value has its
 * anchor in the value, so it is always found (no false negatives); the bit set only saves probes.
 */
final class GramFilter {
    static final int Q = 4;
    static final long MIX = 0x9E3779B97F4A7C15L;

    final long[] bits;
    final int shift;
    private final long[] keys;
    private final int[] from;
    private final int[] to;
    private final int mask;
    /** Entries grouped by anchor: literal, its atom, the anchor's offset in it. */
    private final String[] lit;

    private final int[] atom;
    private final int[] offset;

    GramFilter(String[] literals, int[] atoms) {
        int n = literals.length;
        long[] entryKey = new long[n];
        int[] entryOff = new int[n];
        // how many literals share each gram: an anchor shared by thousands (e.g. "256=" of SHA-256 literals) would
        // make every probe verify thousands of literals
        int grams = 0;
        for (String l : literals) grams += Math.max(0, l.length() - Q + 1);
        LongIntMap df = new LongIntMap(grams);
        for (String l : literals) {
            if (l.length() < Q) throw new IllegalArgumentException("literal shorter than " + Q + ": " + l);
            for (int j = 0; j + Q <= l.length(); j++) df.add(pack(l, j), 1);
        }
        for (int i = 0; i < n; i++) {
            String l = literals[i];
            int best = 0;
            double bestCost = Double.MAX_VALUE;
            for (int j = 0; j + Q <= l.length(); j++) {
                double c = df.get(pack(l, j), 1);
                for (int k = 0; k < Q; k++) c *= RegexLiterals.charFrequency(l.charAt(j + k));
                if (c < bestCost) {
                    bestCost = c;
                    best = j;
                }
            }
            entryOff[i] = best;
            entryKey[i] = pack(l, best);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(entryKey[a], entryKey[b]));
        lit = new String[n];
        atom = new int[n];
        offset = new int[n];
        int distinct = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            lit[k] = literals[i];
            atom[k] = atoms[i];
            offset[k] = entryOff[i];
            if (k == 0 || entryKey[order[k - 1]] != entryKey[i]) distinct++;
        }
        int nbits = Integer.highestOneBit(Math.max(4096, Math.min(1 << 20, distinct * 32)) * 2 - 1);
        bits = new long[nbits >>> 6];
        shift = 64 - Integer.numberOfTrailingZeros(nbits);
        int cap = Integer.highestOneBit(Math.max(4, distinct * 2) * 2 - 1);
        keys = new long[cap];
        from = new int[cap];
        to = new int[cap];
        Arrays.fill(from, -1);
        mask = cap - 1;
        int k = 0;
        while (k < n) {
            long key = entryKey[order[k]];
            int end = k;
            while (end < n && entryKey[order[end]] == key) end++;
            int h = (int) ((key * MIX) >>> shift);
            bits[h >>> 6] |= 1L << h;
            int slot = slot(key);
            while (from[slot] >= 0) slot = (slot + 1) & mask;
            keys[slot] = key;
            from[slot] = k;
            to[slot] = end;
            k = end;
        }
    }

    private int slot(long key) {
        return LongIntMap.mix(key) & mask;
    }

    static long pack(String s, int off) {
        long k = 0;
        for (int i = 0; i < Q; i++) k = (k << 16) | s.charAt(off + i);
        return k;
    }

    /** As {@link ContainsAutomaton#scan}: reports the literals in the (folded) value; false when it must rescan. */
    boolean scan(String v, boolean folded, Scratch sc) {
        final int n = v.length();
        final long[] bits = this.bits;
        final int shift = this.shift;
        final char[] fold = Fold.LATIN1;
        long key = 0;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < 256) c = fold[c];
            else if (folded) return false;
            key = (key << 16) | c;
            if (i >= Q - 1) {
                int h = (int) ((key * MIX) >>> shift);
                if ((bits[h >>> 6] & (1L << h)) != 0) probe(key, v, i - (Q - 1), sc);
            }
        }
        return true;
    }

    /** Verifies the literals anchored by {@code key}, which occurs at {@code pos}. */
    void probe(long key, String v, int pos, Scratch sc) {
        int slot = slot(key);
        while (true) {
            int f = from[slot];
            if (f < 0) return;
            if (keys[slot] == key) break;
            slot = (slot + 1) & mask;
        }
        for (int e = from[slot], end = to[slot]; e < end; e++) {
            String l = lit[e];
            int start = pos - offset[e];
            if (start >= 0 && start + l.length() <= v.length() && regionMatches(v, start, l)) sc.hit(atom[e]);
        }
    }

    static boolean regionMatches(String v, int start, String l) {
        final char[] fold = Fold.LATIN1;
        for (int k = 0, n = l.length(); k < n; k++) {
            char c = v.charAt(start + k);
            if (c < 256) c = fold[c];
            if (c != l.charAt(k)) return false;
        }
        return true;
    }

    long bytes() {
        return bits.length * 8L + keys.length * 16L + lit.length * 12L;
    }
}
