package dev.vigil.engine.index;

import dev.vigil.engine.compile.Strings;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The atoms of one field (or of the keywords, which test every value): EQ and PREFIX literals in a forward trie
 * walked from the value's first character, SUFFIX literals in a trie of reversed literals walked from its last
 * character (both walks stop at the first character no literal continues with, so they cost a few steps, not the
 * value's length), CONTAINS literals in a small {@link ContainsAutomaton} and, when there are many long ones, a
 * {@link GramFilter}; presence and numeric atoms directly.
 *
 * <p>Literals are split by alphabet: those entirely in Latin-1 are scanned against the raw text folded on the fly
 * ({@link Fold}); those with other characters can only occur in the lower-case form of a value that has non-Latin-1
 * characters itself (Latin-1 lower-cases to Latin-1), so they are kept apart and only scanned then. Emoji and
 * homoglyph lists thus never slow down the scan of ordinary values.
 */
final class FieldIndex {
    final int presentAtom;
    /** Mixed into {@link ValueMemo} keys (any value works; distinct ones spread the field indexes over the sets). */
    final int salt = System.identityHashCode(this) * 0x9E3779B9;

    private final Part latin;
    private final Part wide;
    /** NUM atoms by the bits of their number (each number lists all its atoms), and by their text. */
    private final long[] numKeys;

    private final int[][] numAtoms;
    private final Map<String, Integer> numText;

    /** Collects one field's atoms before building. */
    static final class Builder {
        int present = -1;
        final Lits latin = new Lits();
        final Lits wide = new Lits();
        final List<Atom> num = new ArrayList<>();
        final List<Integer> numIds = new ArrayList<>();

        void add(Atom a, int id) {
            switch (a.kind()) {
                case NUM -> {
                    num.add(a);
                    numIds.add(id);
                }
                case PRESENT -> present = id;
                default -> (isLatin1(a.literal()) ? latin : wide).add(a, id);
            }
        }

        FieldIndex build() {
            return new FieldIndex(this);
        }
    }

    /** String atoms of one alphabet class, by kind. */
    static final class Lits {
        final List<String> eq = new ArrayList<>();
        final List<Integer> eqIds = new ArrayList<>();
        final List<String> pre = new ArrayList<>();
        final List<Integer> preIds = new ArrayList<>();
        final List<String> suf = new ArrayList<>();
        final List<Integer> sufIds = new ArrayList<>();
        final List<String> con = new ArrayList<>();
        final List<Integer> conIds = new ArrayList<>();

        void add(Atom a, int id) {
            String lit = a.literal();
            switch (a.kind()) {
                case EQ -> {
                    eq.add(lit);
                    eqIds.add(id);
                }
                case PREFIX -> {
                    pre.add(lit);
                    preIds.add(id);
                }
                case SUFFIX -> {
                    suf.add(reverse(lit));
                    sufIds.add(id);
                }
                case CONTAINS -> {
                    con.add(lit);
                    conIds.add(id);
                }
                default -> throw new IllegalArgumentException(a.toString());
            }
        }

        boolean isEmpty() {
            return eq.isEmpty() && pre.isEmpty() && suf.isEmpty() && con.isEmpty();
        }
    }

    /** Character by character (not by code point: the suffix walk reads UTF-16 units backwards). */
    static String reverse(String s) {
        char[] c = new char[s.length()];
        for (int i = 0; i < c.length; i++) c[i] = s.charAt(c.length - 1 - i);
        return new String(c);
    }

    static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 256) return false;
        return true;
    }

    private FieldIndex(Builder b) {
        presentAtom = b.present;
        // skipping scans need to know no wide literal depends on the characters they skip (see SkipScanner)
        latin = b.latin.isEmpty() ? null : new Part(b.latin, b.wide.isEmpty());
        wide = b.wide.isEmpty() ? null : new Part(b.wide, false);
        if (b.num.isEmpty()) {
            numKeys = null;
            numAtoms = null;
            numText = null;
        } else {
            // open addressing, power-of-two table, load <= 1/2
            int cap = Integer.highestOneBit(Math.max(4, b.num.size() * 4 - 1)) << 1;
            numKeys = new long[cap];
            numAtoms = new int[cap][];
            Map<String, Integer> texts = new HashMap<>();
            for (int i = 0; i < b.num.size(); i++) {
                Atom a = b.num.get(i);
                int id = b.numIds.get(i);
                long key = Double.doubleToLongBits(a.number());
                int slot = mix(key) & (cap - 1);
                while (numAtoms[slot] != null && numKeys[slot] != key) slot = (slot + 1) & (cap - 1);
                if (numAtoms[slot] == null) {
                    numKeys[slot] = key;
                    numAtoms[slot] = new int[] {id};
                } else {
                    int[] l = Arrays.copyOf(numAtoms[slot], numAtoms[slot].length + 1);
                    l[l.length - 1] = id;
                    numAtoms[slot] = l;
                }
                texts.put(a.literal(), id);
            }
            numText = texts;
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Whether this field has numeric atoms (then {@link #scanNumber} wants every value). */
    boolean hasNumbers() {
        return numKeys != null;
    }

    /**
     * Reports the NUM atoms a raw value satisfies: the same number by the rules of a numeric leaf (a number, or
     * text that parses as one), or text equal to the rule's literal.
     */
    void scanNumber(Object v, Scratch sc) {
        double d;
        if (v instanceof Long l) {
            d = l;
        } else if (v instanceof String str) {
            Integer a = numText.get(str);
            if (a != null) sc.hit(a);
            d = Strings.parseNumber(str);
            if (Double.isNaN(d)) return;
        } else if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            return;
        }
        long key = Double.doubleToLongBits(d + 0.0); // -0 is 0 (rule numbers are normalised the same way)
        int mask = numKeys.length - 1;
        for (int slot = mix(key) & mask; numAtoms[slot] != null; slot = (slot + 1) & mask) {
            if (numKeys[slot] == key) {
                for (int a : numAtoms[slot]) sc.hit(a);
                return;
            }
        }
    }

    /**
     * Reports the string atoms the lower-case form of a value satisfies. The raw text is scanned with on-the-fly
     * folding; text with characters outside Latin-1 is scanned in its cached lower-case form instead.
     */
    /** Whether {@link #scan} can report anything (the field has string atoms). */
    boolean hasStrings() {
        return latin != null || wide != null;
    }

    void scan(Event e, int slot, Scratch sc) {
        if (latin == null && wide == null) return;
        String t = e.text(slot);
        if (t == null) return;
        if (latin != null ? latin.scan(t, true, sc) : isLatin1(t)) return;
        String l = e.lower(slot);
        if (latin != null) latin.scan(l, false, sc);
        if (wide != null) wide.scan(l, false, sc);
    }

    /** The skipping scanner of the Latin-1 CONTAINS literals, or null (tests). */
    SkipScanner latinSkipScanner() {
        return latin == null ? null : latin.skip;
    }

    /** Whether the Latin-1 CONTAINS literals of long values are scanned by a {@link PackedScanner} (tests). */
    boolean usesPackedScan() {
        return latin != null && latin.packed != null;
    }

    /** Whether the Latin-1 CONTAINS literals are scanned by sampled windows ({@link SampledGrams}; tests). */
    boolean usesSampledScan() {
        return latin != null && latin.sampled != null;
    }

    /** Whether the Latin-1 CONTAINS literals are scanned by skipping (tests). */
    boolean usesSkipScan() {
        return latin != null && latin.skip != null;
    }

    long bytes() {
        return (latin == null ? 0 : latin.bytes()) + (wide == null ? 0 : wide.bytes());
    }

    /** Tries, automaton and gram filter over one alphabet class of literals. */
    static final class Part {
        /** Up to this many literal characters, all CONTAINS literals go into one automaton. */
        static final int SMALL_AUTOMATON_CHARS = 1024;

        private final Trie prefix;
        private final int[] prefixAtom;
        private final int[] eqAtom;
        private final Trie suffix;
        private final int[] suffixAtom;
        private final ContainsAutomaton contains;
        private final GramFilter grams;
        /** All CONTAINS literals when they suit a {@link SkipScanner} (then {@code contains} and {@code grams} are null). */
        private final SkipScanner skip;
        /** All CONTAINS literals, for long values, when they suit a {@link PackedScanner} and it is available. */
        private final PackedScanner packed;
        /**
         * All CONTAINS literals when they are long enough for a {@link SampledGrams} scan and do not suit a skipping
         * one (then {@code contains}, {@code grams} and {@code packed} are null).
         */
        private final SampledGrams sampled;

        /** Most literals a skipping scan takes (more would leave few long jumps). */
        static final int MAX_SKIP_LITERALS = 256;

        /**
         * @param mayskip whether CONTAINS literals may use a {@link SkipScanner} or {@link SampledGrams}: only when no other literal set of the
         *     field needs every character of the value looked at (the wide part relies on this part's full scan to
         *     notice characters outside Latin-1)
         */
        Part(Lits b, boolean mayskip) {
            if (b.eq.isEmpty() && b.pre.isEmpty()) {
                prefix = null;
                prefixAtom = null;
                eqAtom = null;
            } else {
                List<String> keys = new ArrayList<>(b.eq);
                keys.addAll(b.pre);
                prefix = Trie.build(keys.toArray(new String[0]));
                prefixAtom = filled(prefix.size);
                eqAtom = filled(prefix.size);
                for (int i = 0; i < b.eq.size(); i++) eqAtom[prefix.terminal[i]] = b.eqIds.get(i);
                for (int i = 0; i < b.pre.size(); i++) prefixAtom[prefix.terminal[b.eq.size() + i]] = b.preIds.get(i);
            }
            if (b.suf.isEmpty()) {
                suffix = null;
                suffixAtom = null;
            } else {
                suffix = Trie.build(b.suf.toArray(new String[0]));
                suffixAtom = filled(suffix.size);
                for (int i = 0; i < b.suf.size(); i++) suffixAtom[suffix.terminal[i]] = b.sufIds.get(i);
            }
            skip = mayskip && !b.con.isEmpty() && b.con.size() <= MAX_SKIP_LITERALS
                    ? SkipScanner.of(b.con.toArray(new String[0]), ints(b.conIds))
                    : null;
            sampled = mayskip && skip == null ? SampledGrams.of(b.con.toArray(new String[0]), ints(b.conIds)) : null;
            if (skip != null || sampled != null) {
                contains = null;
                grams = null;
                packed = null;
                return;
            }
            packed = mayskip && Simd.AVAILABLE ? PackedScanner.of(b.con.toArray(new String[0]), ints(b.conIds)) : null;
            // CONTAINS: a small automaton stays in cache and is the fastest; many long literals go to the gram filter
            List<String> shortLits = new ArrayList<>();
            List<Integer> shortIds = new ArrayList<>();
            List<String> longLits = new ArrayList<>();
            List<Integer> longIds = new ArrayList<>();
            int chars = 0;
            for (String l : b.con) chars += l.length();
            for (int i = 0; i < b.con.size(); i++) {
                String l = b.con.get(i);
                boolean small = chars <= SMALL_AUTOMATON_CHARS || l.length() < GramFilter.Q;
                (small ? shortLits : longLits).add(l);
                (small ? shortIds : longIds).add(b.conIds.get(i));
            }
            contains = shortLits.isEmpty()
                    ? null
                    : new ContainsAutomaton(shortLits.toArray(new String[0]), ints(shortIds));
            grams = longLits.isEmpty() ? null : new GramFilter(longLits.toArray(new String[0]), ints(longIds));
        }

        private static int[] ints(List<Integer> l) {
            int[] a = new int[l.size()];
            for (int i = 0; i < a.length; i++) a[i] = l.get(i);
            return a;
        }

        private static int[] filled(int n) {
            int[] a = new int[n];
            Arrays.fill(a, -1);
            return a;
        }

        /** Scans {@code v} (raw and folded, or already lower case); false when a folded scan met a non-Latin-1 char. */
        boolean scan(String v, boolean folded, Scratch sc) {
            if (prefix != null && !scanPrefix(v, folded, sc)) return false;
            if (suffix != null && !scanSuffix(v, folded, sc)) return false;
            if (skip != null) return skip.scan(v, folded, sc);
            if (sampled != null) return sampled.scan(v, folded, sc);
            if (packed != null && v.length() >= PackedScanner.MIN_VALUE) return packed.scan(v, folded, sc);
            if (contains != null && grams != null && contains.rows != null) return scanBoth(v, folded, sc);
            if (contains != null && !contains.scan(v, folded, sc)) return false;
            if (grams != null) return grams.scan(v, folded, sc);
            return !folded || contains != null || isLatin1(v);
        }

        /**
         * The automaton and the gram filter in one pass: their dependency chains (automaton state, gram key) are
         * independent, so the CPU overlaps them and the pass costs little more than either alone.
         */
        private boolean scanBoth(String v, boolean folded, Scratch sc) {
            final int n = v.length();
            final ContainsAutomaton ac = contains;
            final int[] rows = ac.rows;
            final GramFilter g = grams;
            final long[] bits = g.bits;
            final int shift = g.shift;
            final char[] fold = Fold.LATIN1;
            int row = 0;
            long key = 0;
            for (int i = 0; i < n; i++) {
                char ch = v.charAt(i);
                if (ch < 256) {
                    ch = fold[ch];
                } else if (folded) {
                    return false;
                }
                int t = rows[row + ac.column(ch)];
                if (t < 0) {
                    t = ~t;
                    ac.reportRow(t, sc);
                }
                row = t;
                key = (key << 16) | ch;
                if (i >= GramFilter.Q - 1) {
                    int h = (int) ((key * GramFilter.MIX) >>> shift);
                    if ((bits[h >>> 6] & (1L << h)) != 0) g.probe(key, v, i - (GramFilter.Q - 1), sc);
                }
            }
            return true;
        }

        private boolean scanPrefix(String v, boolean folded, Scratch sc) {
            final Trie t = prefix;
            final int n = v.length();
            int s = 0;
            for (int i = 0; ; i++) {
                int a = prefixAtom[s];
                if (a >= 0) sc.hit(a);
                if (i == n) {
                    a = eqAtom[s];
                    if (a >= 0) sc.hit(a);
                    return true;
                }
                char c = v.charAt(i);
                if (c < 256) c = Fold.LATIN1[c];
                else if (folded) return false;
                s = t.child(s, c);
                if (s < 0) return true; // lower(v) has the same Latin-1 prefix, so its walk stops here too
            }
        }

        private boolean scanSuffix(String v, boolean folded, Scratch sc) {
            final Trie t = suffix;
            int s = 0;
            for (int i = v.length() - 1; i >= 0; i--) {
                char c = v.charAt(i);
                if (c < 256) c = Fold.LATIN1[c];
                else if (folded) return false;
                s = t.child(s, c);
                if (s < 0) return true; // the same Latin-1 tail ends lower(v): its walk stops here too
                int a = suffixAtom[s];
                if (a >= 0) sc.hit(a);
            }
            return true;
        }

        long bytes() {
            long b = 0;
            if (prefix != null) b += prefix.size * 20L;
            if (suffix != null) b += suffix.size * 16L;
            if (contains != null) b += contains.bytes();
            if (skip != null) b += skip.bytes();
            if (sampled != null) b += sampled.bytes();
            if (packed != null) b += packed.bytes();
            if (grams != null) b += grams.bytes();
            return b;
        }
    }
}
