package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * Per-thread state of one {@link CandidateIndex}: the candidate bit set being filled for the current event, the
 * sub-index in use, and a stamp per atom so an atom reported many times in one event (a short literal occurring
 * again and again) marks its rules once. Reused across events; not thread-safe.
 */
public final class Scratch {
    final long[] hits;
    final long[] hits2;
    /** Bit {@code w} set: word {@code w} of {@link #hits} or {@link #hits2} may be non-zero (the words to sweep). */
    final long[] touched;

    final int[] candidates;
    SubIndex current;
    private int[] atomRuleStart = {0};
    private int[] atomRuleList = new int[0];
    private int[] stamp = new int[0];
    private int epoch;

    Scratch(CandidateIndex index) {
        this(index.rules);
    }

    Scratch(int rules) {
        this.hits = new long[(rules + 63) >>> 6];
        this.hits2 = new long[hits.length];
        this.touched = new long[(hits.length + 63) >>> 6];
        this.candidates = new int[rules];
    }

    /** The candidate buffer {@link CandidateIndex#candidates} fills (valid up to the count it returns). */
    public int[] candidates() {
        return candidates;
    }

    /** Starts a new event with a sub-index (the marks must have been consumed and cleared). */
    void begin(SubIndex s) {
        if (s != current) {
            current = s;
            use(s.atomRuleStart, s.atomRuleList);
        }
        next();
    }

    /** Reports go to these atom → rules lists (tests use this directly). */
    void use(int[][] rules, int[][] rules2) {
        int[][] flat = SubIndex.flatten(rules, rules2);
        use(flat[0], flat[1]);
    }

    /** Reports go to these flat atom → rules lists (see {@link SubIndex#atomRuleStart}). */
    void use(int[] start, int[] list) {
        atomRuleStart = start;
        atomRuleList = list;
        int atoms = (start.length - 1) / 2;
        if (stamp.length < atoms) stamp = new int[atoms];
    }

    /** The next event: previous stamps no longer count. */
    void next() {
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(stamp, 0);
            epoch = 1;
        }
    }

    /** The atom holds on the current event: its rules become candidates. */
    void hit(int atom) {
        if (stamp[atom] == epoch) return;
        stamp[atom] = epoch;
        final int[] start = atomRuleStart;
        final int[] list = atomRuleList;
        final long[] t = touched;
        int i = start[2 * atom];
        final int mid = start[2 * atom + 1];
        final int end = start[2 * atom + 2];
        final long[] h = hits;
        for (; i < mid; i++) {
            int r = list[i];
            int w = r >>> 6;
            h[w] |= 1L << r;
            t[w >>> 6] |= 1L << w;
        }
        final long[] h2 = hits2;
        for (; i < end; i++) {
            int r = list[i];
            int w = r >>> 6;
            h2[w] |= 1L << r;
            t[w >>> 6] |= 1L << w;
        }
    }
}
