package dev.vigil.engine.index;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds which of a set of CONTAINS literals, all at least {@link #MIN_LENGTH} characters long and all in Latin-1,
 * occur in a value — without reading every character (Wu–Manber, blocks of three characters, or two when the
 * literals have too many distinct characters for a table of three). With {@code m} the shortest literal's length,
 * the scan looks at the block of characters ending a window of {@code m}; a block that ends no literal's first
 * {@code m} characters lets the window jump ahead by up to {@code m} characters. Only where a block
 * does end some literal's first {@code m} characters are those literals compared in full. Keyword literals
 * ({@code mimikatz}, {@code sekurlsa::}) are long, so a 1,000-character message is read at a few hundred places
 * instead of a thousand — where an Aho–Corasick automaton steps through every character. A step is a chain of
 * dependent loads (character, class, shift), so a long value is scanned as two interleaved chains, one over each
 * half of the window ends, which the CPU overlaps (raw_windows: 1.36 → 0.88 µs per event for the index).
 *
 * <p>Case: each character read is folded ({@link Fold#LATIN1}); characters outside Latin-1 belong to no literal.
 * Because the scan does not read every character, it cannot notice the few characters outside Latin-1 whose lower
 * case <em>is</em> Latin-1 (U+0130 İ, U+0178 Ÿ, U+1E9E ẞ, U+212A Kelvin sign, U+212B Ångström sign: a value
 * "mimi\u212Aatz" lower-cases to "mimikatz"). A folded scan therefore first checks for those five ({@link
 * #foldsIntoLatin1}: a constant-time answer for a Latin-1 string, the JDK's {@code indexOf} of a character its
 * coder cannot hold) and, when one is there, returns false so the caller scans the event's lower-case form instead.
 * Every other character outside Latin-1 lower-cases outside Latin-1 and keeps its position (only U+0130 expands),
 * so it can neither complete nor break a Latin-1 literal: the folded raw text and the lower-case text have the same
 * Latin-1 literal occurrences. {@code FieldIndexTest} checks this on the edge cases; {@code IndexEquivalenceTest}
 * end to end.
 */
final class SkipScanner {
    /** Shortest literal this scanner accepts (shorter literal sets stay in the automaton). */
    static final int MIN_LENGTH = 5;
    /** Longest jump: windows longer than this gain nothing measurable and the shift must fit a byte. */
    static final int MAX_WINDOW = 64;
    /** Most character classes (distinct literal characters + 1): bounds the block tables to 16K entries. */
    static final int MAX_CLASSES = 128;

    /** Most block-table entries for blocks of three characters (else two): small enough for the L1 cache. */
    static final int MAX_TRIPLE_BLOCKS = 1 << 15;

    private final int m;
    private final int classes;
    /** Blocks of three characters (else two). */
    private final boolean triple;

    private final byte[] cls = new byte[256];
    /** Per block {@code c1 * classes + c2}: how far the window end may move on. */
    private final byte[] shift;
    /** Per block: the literals to verify when its shift is 0 ({@code group[start[b]] .. group[start[b+1]]}). */
    private final int[] start;

    private final String[] lits;
    private final int[] atoms;

    private SkipScanner(String[] literals, int[] atomIds, int m, int classes, byte[] cls) {
        this.m = m;
        this.classes = classes;
        System.arraycopy(cls, 0, this.cls, 0, 256);
        this.triple = classes * classes * classes <= MAX_TRIPLE_BLOCKS;
        final int width = triple ? 3 : 2;
        int blocks = triple ? classes * classes * classes : classes * classes;
        shift = new byte[blocks];
        // defaults, for blocks that end no literal's first m characters at a position >= width - 1: the window end
        // may move to where a literal could start inside the block — after its last character when that is in no
        // literal (m), at its last character (m - 1), at its last two (m - 2, blocks of three)
        for (int b = 0; b < blocks; b++) {
            int c2 = b % classes;
            int c1 = (b / classes) % classes;
            shift[b] = (byte) (c2 == 0 ? m : (!triple || c1 == 0) ? m - 1 : m - 2);
        }
        List<List<Integer>> verify = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) verify.add(null);
        for (int k = 0; k < literals.length; k++) {
            String l = literals[k];
            for (int j = width - 1; j < m; j++) {
                int b = block(l.charAt(j - 1), l.charAt(j), triple ? l.charAt(j - 2) : 0);
                int s = m - 1 - j;
                if (s < shift[b]) shift[b] = (byte) s;
            }
            int last = block(l.charAt(m - 2), l.charAt(m - 1), triple ? l.charAt(m - 3) : 0);
            if (verify.get(last) == null) verify.set(last, new ArrayList<>(2));
            verify.get(last).add(k);
        }
        start = new int[blocks + 1];
        List<String> ls = new ArrayList<>();
        List<Integer> as = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            start[b] = ls.size();
            List<Integer> v = verify.get(b);
            if (v != null) {
                for (int k : v) {
                    ls.add(literals[k]);
                    as.add(atomIds[k]);
                }
            }
        }
        start[blocks] = ls.size();
        lits = ls.toArray(new String[0]);
        atoms = new int[as.size()];
        for (int i = 0; i < atoms.length; i++) atoms[i] = as.get(i);
    }

    /** The block of (folded Latin-1) characters {@code c0 c1 c2} ending at {@code c2}; {@code c0} only for triples. */
    private int block(char c1, char c2, char c0) {
        int b = cls[c1] * classes + cls[c2];
        return triple ? cls[c0] * classes * classes + b : b;
    }

    /**
     * A scanner for these literals (lower-case, Latin-1, each reporting {@code atomIds[i]}), or null when they do not
     * suit one: a literal shorter than {@link #MIN_LENGTH}, a character outside Latin-1, too many distinct characters.
     */
    static SkipScanner of(String[] literals, int[] atomIds) {
        if (literals.length == 0) return null;
        int m = Integer.MAX_VALUE;
        boolean[] seen = new boolean[256];
        int classes = 1;
        byte[] cls = new byte[256];
        for (String l : literals) {
            m = Math.min(m, l.length());
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (c >= 256 || Fold.LATIN1[c] != c) return null; // not Latin-1, or not lower case (never from Witness)
                if (!seen[c]) {
                    seen[c] = true;
                    if (classes == MAX_CLASSES) return null;
                    cls[c] = (byte) classes++;
                }
            }
        }
        if (m < MIN_LENGTH) return null;
        // a raw character scans as its lower case
        for (int c = 0; c < 256; c++) cls[c] = cls[Fold.LATIN1[c]];
        return new SkipScanner(literals, atomIds, Math.min(m, MAX_WINDOW), classes, cls);
    }

    /** Whether {@code v} has one of the five characters outside Latin-1 whose lower case is Latin-1. */
    static boolean foldsIntoLatin1(String v) {
        // String.indexOf of a character its Latin-1 coder cannot hold returns at once
        return v.indexOf('\u0130') >= 0
                || v.indexOf('\u0178') >= 0
                || v.indexOf('\u1E9E') >= 0
                || v.indexOf('\u212A') >= 0
                || v.indexOf('\u212B') >= 0;
    }

    /**
     * Reports every literal occurring in the lower-case form of {@code v}. With {@code folded}, {@code v} is the raw
     * text (folded as it is read); returns false, having reported nothing, when it has a character that lower-cases
     * into Latin-1 (the caller scans the lower-case form instead). Without, {@code v} is already lower case.
     */
    boolean scan(String v, boolean folded, Scratch sc) {
        if (folded && foldsIntoLatin1(v)) return false;
        final int n = v.length();
        final int m = this.m;
        if (n < m) return true;
        // two independent window chains, over the first and the second half of the window ends: a step is a chain
        // of dependent loads (characters, classes, shift), so interleaving two chains lets the CPU overlap them
        int mid = (m - 1 + n) >>> 1;
        if (n - m < 4 * m) mid = n; // short values: one chain
        int a = m - 1;
        int b = mid;
        if (triple) {
            while (a < mid && b < n) {
                a = step3(v, a, sc);
                b = step3(v, b, sc);
            }
            while (a < mid) a = step3(v, a, sc);
            while (b < n) b = step3(v, b, sc);
        } else {
            while (a < mid && b < n) {
                a = step2(v, a, sc);
                b = step2(v, b, sc);
            }
            while (a < mid) a = step2(v, a, sc);
            while (b < n) b = step2(v, b, sc);
        }
        return true;
    }

    /**
     * One step of a chain whose window ends at {@code i} (blocks of three): verifies the literals the block ends when
     * its shift is 0; returns the next window end. A chain started at any window end finds every literal whose first
     * {@code m} characters end at or after it, up to where it stops.
     */
    private int step3(String v, int i, Scratch sc) {
        final byte[] cls = this.cls;
        char z = v.charAt(i - 2);
        char x = v.charAt(i - 1);
        char y = v.charAt(i);
        int block = ((z < 256 ? cls[z] : 0) * classes + (x < 256 ? cls[x] : 0)) * classes + (y < 256 ? cls[y] : 0);
        int s = shift[block];
        if (s != 0) return i + s;
        verify(v, i - m + 1, block, sc);
        return i + 1;
    }

    /** {@link #step3} for blocks of two characters. */
    private int step2(String v, int i, Scratch sc) {
        final byte[] cls = this.cls;
        char x = v.charAt(i - 1);
        char y = v.charAt(i);
        int block = (x < 256 ? cls[x] : 0) * classes + (y < 256 ? cls[y] : 0);
        int s = shift[block];
        if (s != 0) return i + s;
        verify(v, i - m + 1, block, sc);
        return i + 1;
    }

    private void verify(String v, int from, int block, Scratch sc) {
        final char[] fold = Fold.LATIN1;
        final int n = v.length();
        next:
        for (int k = start[block], end = start[block + 1]; k < end; k++) {
            String l = lits[k];
            int len = l.length();
            if (from + len > n) continue;
            for (int j = 0; j < len; j++) {
                char c = v.charAt(from + j);
                if (c >= 256 || fold[c] != l.charAt(j)) continue next;
            }
            sc.hit(atoms[k]);
        }
    }

    /** Approximate heap bytes. */
    long bytes() {
        long b = 256 + shift.length + 4L * start.length + 4L * atoms.length + 8L * lits.length;
        for (String l : lits) b += 40 + l.length();
        return b;
    }

    @Override
    public String toString() {
        int verifying = 0;
        for (byte x : shift) if (x == 0) verifying++;
        return "SkipScanner[m=" + m + ", blocks of " + (triple ? 3 : 2) + ", classes=" + classes + ", literals="
                + lits.length + ", verify blocks=" + verifying + "]";
    }
}
