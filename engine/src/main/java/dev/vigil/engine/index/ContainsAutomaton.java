package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * Aho–Corasick automaton for the CONTAINS literals of one field: one left-to-right pass over a lower-cased value
 * reports every literal that occurs in it (each literal is an atom id).
 *
 * <p>Layout (what the JMH benchmark {@code IndexBenchmark} chose over {@code org.ahocorasick} and a fully dense
 * DFA): the goto function is a compact {@link Trie} with failure links; the shallowest {@link #DENSE_STATES} states
 * (breadth-first, so the root and the states a scan spends most of its time in) also get full DFA rows over the
 * automaton's own alphabet, so a step from them is one array read. Characters that occur in no literal map to class
 * 0 and reset the scan to the root. Deeper states follow failure links until they reach a dense state. Memory is
 * about 14 bytes per trie state plus 4 × alphabet bytes per dense row, so a field with 280,000 literal characters
 * (file hashes) stays a few MB.
 *
 * <p>Outputs: {@code atomAt[s]} is the literal ending at state {@code s} (or -1); {@code dictLink[s]} the next
 * shorter literal that ends there too (a proper suffix), so a match reports all of them.
 */
final class ContainsAutomaton {
    static final int DENSE_STATES = 2048;
    /** At most this many dense-row entries (a literal list of a thousand emoji must not build a 16 MB table). */
    static final int MAX_DENSE_ENTRIES = 1 << 18;

    private final Trie trie;
    private final int[] fail;
    private final int[] atomAt;
    private final int[] dictLink;
    /** {@code s} when a literal ends at {@code s}, else {@code dictLink[s]}: where reporting starts (-1: none). */
    private final int[] outHead;

    private final int denseStates;
    private final int classes;
    private final int[] dense;
    private final char[] lowClass = new char[256];
    private final char[] highChars;
    private final char[] highClass;
    /**
     * When every state is dense: the DFA as row offsets ({@code state * classes}), {@code ~offset} when a literal
     * ends in the target state — so a scan step is one add and one load, and outputs cost a sign test.
     */
    final int[] rows;

    ContainsAutomaton(String[] literals, int[] atoms) {
        this.trie = Trie.build(literals);
        int n = trie.size;
        atomAt = new int[n];
        Arrays.fill(atomAt, -1);
        for (int i = 0; i < literals.length; i++) atomAt[trie.terminal[i]] = atoms[i];
        // alphabet classes: one per distinct character of the literals, 0 for every other character
        char[] distinct = distinctChars(trie.chars);
        int lowCount = 0;
        for (char c : distinct) if (c < 256) lowCount++;
        highChars = Arrays.copyOfRange(distinct, lowCount, distinct.length);
        highClass = new char[highChars.length];
        int cls = 1;
        for (int i = 0; i < lowCount; i++) lowClass[distinct[i]] = (char) cls++;
        for (int i = 0; i < highChars.length; i++) highClass[i] = (char) cls++;
        classes = cls;
        // a Latin-1 character scans as its lower case (literals are lower case): see Fold
        for (int c = 0; c < 256; c++) {
            char f = Fold.LATIN1[c];
            if (f != c && f < 256) lowClass[c] = lowClass[f];
        }
        // failure and dictionary links, breadth-first (state numbers are breadth-first)
        fail = new int[n];
        dictLink = new int[n];
        Arrays.fill(dictLink, -1);
        for (int s = 0; s < n; s++) {
            for (int k = trie.start[s]; k < trie.start[s + 1]; k++) {
                char c = trie.chars[k];
                int u = trie.next[k];
                int f;
                if (s == 0) {
                    f = 0;
                } else {
                    f = fail[s];
                    int g;
                    while ((g = trie.child(f, c)) < 0 && f != 0) f = fail[f];
                    f = g >= 0 ? g : 0;
                }
                fail[u] = f;
                dictLink[u] = atomAt[f] >= 0 ? f : dictLink[f];
            }
        }
        outHead = new int[n];
        for (int s = 0; s < n; s++) outHead[s] = atomAt[s] >= 0 ? s : dictLink[s];
        // dense rows for the shallowest states
        denseStates = Math.max(1, Math.min(n, Math.min(DENSE_STATES, MAX_DENSE_ENTRIES / classes)));
        dense = new int[denseStates * classes];
        char[] classChar = new char[classes];
        for (int i = 0; i < lowCount; i++) classChar[lowClass[distinct[i]]] = distinct[i];
        for (int i = 0; i < highChars.length; i++) classChar[highClass[i]] = highChars[i];
        for (int s = 0; s < denseStates; s++) {
            int row = s * classes;
            for (int c = 1; c < classes; c++) {
                int g = trie.child(s, classChar[c]);
                if (g >= 0) dense[row + c] = g;
                else dense[row + c] = s == 0 ? 0 : dense[fail[s] * classes + c];
            }
        }
        if (denseStates == n) {
            rows = new int[dense.length];
            for (int k = 0; k < dense.length; k++) {
                int t = dense[k];
                rows[k] = outHead[t] >= 0 ? ~(t * classes) : t * classes;
            }
        } else {
            rows = null;
        }
    }

    /** Column of a character in {@link #rows} (Latin-1 folded; 0 for characters no literal has). */
    int column(char ch) {
        return ch < 256 ? lowClass[ch] : classOf(ch);
    }

    int classes() {
        return classes;
    }

    /** Reports the literals ending in the state whose row offset is {@code row}. */
    void reportRow(int row, Scratch sc) {
        report(outHead[row / classes], sc);
    }

    private static char[] distinctChars(char[] cs) {
        char[] sorted = cs.clone();
        Arrays.sort(sorted);
        int m = 0;
        for (int i = 0; i < sorted.length; i++) if (i == 0 || sorted[i] != sorted[i - 1]) sorted[m++] = sorted[i];
        return Arrays.copyOf(sorted, m);
    }

    private int classOf(char ch) {
        if (ch < 256) return lowClass[ch];
        int i = Arrays.binarySearch(highChars, ch);
        return i < 0 ? 0 : highClass[i];
    }

    /**
     * Reports every literal occurring in the lower-case form of {@code v}. With {@code folded}, {@code v} is the raw
     * text and is folded on the fly; then the scan stops and returns false at the first character outside Latin-1
     * (the caller scans the lower-case string instead). Without, {@code v} is already lower case.
     */
    boolean scan(String v, boolean folded, Scratch sc) {
        if (rows != null) return scanDense(v, folded, sc);
        final int n = v.length();
        final int[] dense = this.dense;
        final int classes = this.classes;
        final int denseStates = this.denseStates;
        final int[] outHead = this.outHead;
        final char[] lowClass = this.lowClass;
        int s = 0;
        for (int i = 0; i < n; i++) {
            char ch = v.charAt(i);
            int cls;
            if (ch < 256) {
                cls = lowClass[ch];
                ch = Fold.LATIN1[ch];
            } else {
                if (folded) return false;
                cls = classOf(ch);
            }
            if (cls == 0) {
                s = 0;
                continue;
            }
            if (s < denseStates) {
                s = dense[s * classes + cls];
            } else {
                int t = trie.child(s, ch);
                while (t < 0) {
                    s = fail[s];
                    if (s < denseStates) {
                        t = dense[s * classes + cls];
                        break;
                    }
                    t = trie.child(s, ch);
                }
                s = t;
            }
            int o = outHead[s];
            if (o >= 0) report(o, sc);
        }
        return true;
    }

    private boolean scanDense(String v, boolean folded, Scratch sc) {
        final int n = v.length();
        final int[] rows = this.rows;
        final char[] lowClass = this.lowClass;
        int row = 0;
        for (int i = 0; i < n; i++) {
            char ch = v.charAt(i);
            int cls;
            if (ch < 256) cls = lowClass[ch];
            else if (folded) return false;
            else cls = classOf(ch);
            int t = rows[row + cls];
            if (t < 0) {
                t = ~t;
                reportRow(t, sc);
            }
            row = t;
        }
        return true;
    }

    private void report(int o, Scratch sc) {
        for (; o >= 0; o = dictLink[o]) sc.hit(atomAt[o]);
    }

    /** Trie states (for statistics). */
    int states() {
        return trie.size;
    }

    /** Approximate heap bytes. */
    long bytes() {
        return (long) trie.size * (4 * 6) + (long) trie.chars.length * 6 + (long) dense.length * 4;
    }
}
