package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * Per-thread state of one {@link CandidateIndex}: the candidate bit set being filled for the current event, the
 * sub-index in use, and a bit per atom so an atom reported many times in one event (a short literal occurring
 * again and again) marks its rules once. The atom bits are a bit set (a few KB that stay in the L1 cache, where a
 * stamp per atom was an {@code int} array of 100 KB and more whose every test was a cache miss), cleared after each
 * event through the list of words set. Reused across events; not thread-safe.
 */
public final class Scratch {
    final long[] hits;
    final long[] hits2;
    /** Rules an exact atom proved false on the current event ({@link Witness#veto}). */
    final long[] veto;
    /** Bit {@code w} set: word {@code w} of {@link #hits} or {@link #hits2} may be non-zero (the words to sweep). */
    final long[] touched;

    final int[] candidates;
    /** Work space of {@link #marksOf}: first-pass, second-pass and veto words, all zero between calls. */
    private long[] markWork;
    /** Per-thread memo of string scans, or null (off). */
    final ValueMemo memo;

    /** Work buffer of {@link PackedScanner} (a value's bytes). */
    byte[] packed = new byte[256];

    SubIndex current;
    private int[] atomRules = new int[0];
    private int[] atomOverflow = new int[0];
    /** Atoms already reported for the current event. */
    private long[] seen = new long[0];
    /** The words of {@link #seen} set during the current event (to clear them). */
    private int[] seenWords = new int[16];

    private int seenCount;

    Scratch(CandidateIndex index, boolean memo) {
        this(index.rules, memo ? new ValueMemo(index.fieldCount) : null);
    }

    Scratch(int rules) {
        this(rules, null);
    }

    Scratch(int rules, ValueMemo memo) {
        this.memo = memo;
        this.hits = new long[(rules + 63) >>> 6];
        this.hits2 = new long[hits.length];
        this.veto = new long[hits.length];
        this.touched = new long[(hits.length + 63) >>> 6];
        this.candidates = new int[rules];
    }

    /** Values whose scan was replayed from the memo so far (0 without one): statistics and tests. */
    public long memoHits() {
        return memo == null ? 0 : memo.replays;
    }

    /** The candidate buffer {@link CandidateIndex#candidates} fills (valid up to the count it returns). */
    public int[] candidates() {
        return candidates;
    }

    /** Starts a new event with a sub-index (the marks must have been consumed and cleared). */
    void begin(SubIndex s) {
        if (s != current) {
            current = s;
            use(s.atomRules, s.atomOverflow);
        }
        next();
    }

    /** Reports go to these atom → rules lists (tests use this directly). */
    void use(int[][] rules, int[][] rules2) {
        int[][] packed = SubIndex.pack(rules, rules2);
        use(packed[0], packed[1]);
    }

    /** Reports go to these packed atom → rules lists (see {@link SubIndex#atomRules}). */
    void use(int[] rules, int[] overflow) {
        atomRules = rules;
        atomOverflow = overflow;
        int atoms = rules.length / SubIndex.STRIDE;
        int words = (atoms + 63) >>> 6;
        if (seen.length < words) {
            seen = new long[words];
            seenCount = 0;
        }
    }

    /** The next event: atoms reported before no longer count. */
    void next() {
        final long[] s = seen;
        final int[] w = seenWords;
        for (int i = 0, n = seenCount; i < n; i++) s[w[i]] = 0;
        seenCount = 0;
    }

    /** The atom holds on the current event: its rules become candidates. */
    void hit(int atom) {
        final ValueMemo m = memo;
        if (m != null && m.recorded >= 0) m.note(atom);
        final int sw = atom >>> 6;
        final long bit = 1L << atom;
        final long old = seen[sw];
        if ((old & bit) != 0) return;
        if (old == 0) {
            if (seenCount == seenWords.length) seenWords = Arrays.copyOf(seenWords, seenCount * 2);
            seenWords[seenCount++] = sw;
        }
        seen[sw] = old | bit;
        final int[] d = atomRules;
        final int base = atom * SubIndex.STRIDE;
        final int n1 = d[base];
        if (n1 >= 0) {
            // at most two rules, inline: the same cache line
            final int n = n1 + d[base + 1];
            if (n > 0) mark(d[base + 2], n1 > 0);
            if (n > 1) mark(d[base + 3], n1 > 1);
            return;
        }
        final int[] list = atomOverflow;
        final int mid = d[base + 2];
        final int end = d[base + 3];
        for (int i = d[base + 1]; i < mid; i++) mark(list[i], true);
        for (int i = mid; i < end; i++) mark(list[i], false);
        for (int i = end, v = end - 1 - n1; i < v; i++) {
            final int r = list[i];
            final int w = r >>> 6;
            veto[w] |= 1L << r;
            touched[w >>> 6] |= 1L << w;
        }
    }

    /**
     * The marks the atoms {@code atoms[0 .. k)} make, as {@code word, first-pass bits, second-pass bits, veto bits} per word
     * (for {@link ValueMemo}; the current marks are left as they are).
     */
    long[] marksOf(int[] atoms, int k) {
        if (markWork == null) markWork = new long[3 * hits.length];
        final long[] m = markWork;
        final int words = hits.length;
        final int[] d = atomRules;
        for (int i = 0; i < k; i++) {
            int base = atoms[i] * SubIndex.STRIDE;
            int n1 = d[base];
            if (n1 >= 0) {
                int n = n1 + d[base + 1];
                for (int j = 0; j < n; j++) {
                    int r = d[base + 2 + j];
                    m[(j < n1 ? 0 : words) + (r >>> 6)] |= 1L << r;
                }
            } else {
                int end = d[base + 3];
                for (int j = d[base + 1]; j < end - 1 - n1; j++) {
                    int r = atomOverflow[j];
                    m[(j < d[base + 2] ? 0 : j < end ? words : 2 * words) + (r >>> 6)] |= 1L << r;
                }
            }
        }
        int used = 0;
        for (int w = 0; w < words; w++) if ((m[w] | m[words + w] | m[2 * words + w]) != 0) used++;
        long[] out = new long[4 * used];
        int p = 0;
        for (int w = 0; w < words; w++) {
            if ((m[w] | m[words + w] | m[2 * words + w]) == 0) continue;
            out[p++] = w;
            out[p++] = m[w];
            out[p++] = m[words + w];
            out[p++] = m[2 * words + w];
            m[w] = 0;
            m[words + w] = 0;
            m[2 * words + w] = 0;
        }
        return out;
    }

    /** Makes the marks of {@link #marksOf}. */
    void replay(long[] marks) {
        final long[] h1 = hits;
        final long[] h2 = hits2;
        final long[] hv = veto;
        final long[] t = touched;
        for (int p = 0; p < marks.length; p += 4) {
            int w = (int) marks[p];
            h1[w] |= marks[p + 1];
            h2[w] |= marks[p + 2];
            hv[w] |= marks[p + 3];
            t[w >>> 6] |= 1L << w;
        }
    }

    private void mark(int r, boolean first) {
        final int w = r >>> 6;
        if (first) hits[w] |= 1L << r;
        else hits2[w] |= 1L << r;
        touched[w >>> 6] |= 1L << w;
    }
}
