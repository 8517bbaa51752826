package dev.vigil.engine.index;

import java.util.Arrays;

/**
 * A bounded per-thread memo of string scans: (field index, value text) → the atoms that scan reported. Fields such
 * as {@code Image}, {@code ParentImage}, {@code User}, {@code IntegrityLevel} and much of {@code CommandLine} repeat
 * the same few values over and over; their scan (tries, automaton, gram filter, skipping scan) is replaced by
 * replaying the atoms found the first time.
 *
 * <p><b>Sound:</b> a {@link FieldIndex#scan} reports a set of atoms that depends only on the field index and the
 * value's text (the raw text folded, or its {@code Locale.ROOT} lower case — both functions of the text); the memo
 * compares the text in full ({@link String#equals}), so a replay marks exactly the rules a scan would. What is kept
 * is not the atoms but their rules' marks, word by word (an atom such as {@code Image} ending in {@code
 * \powershell.exe} is in the witnesses of a hundred rules: replaying it is a few OR-ed words, not a hundred marks). Atom ids
 * are local to the sub-index that owns the field index, which is part of the key. Numeric atoms and presence are
 * never memoised (they depend on the value's type, not only its text).
 *
 * <p><b>Bounded:</b> {@link #SETS} × 2 entries (2-way set-associative, least recently used way replaced), values of
 * at most {@link #MAX_LENGTH} characters, at most {@link #MAX_ATOMS} atoms per entry: per thread at most 4,096 × (a
 * value of ≤ 2 KB + 32 bytes per 64 rules of marks) — about 15 MB for the 3,141-rule corpus in the worst case (every
 * entry a 1,024-character UTF-16 value whose atoms mark rules in every word),
 * whatever the input. A value that reports more atoms is scanned every time.
 *
 * <p><b>Adaptive:</b> per event field (by field id) the memo counts lookups and hits; a field whose values repeat
 * less than half the time (GUIDs, timestamps, syslog messages) is not looked up for the next {@link #PAUSE} values, then sampled
 * again — so on such fields the memo costs a counter, not a hash of every value and a table slot.
 *
 * <p>Per thread (lives in a {@link Scratch}); not thread-safe.
 */
final class ValueMemo {
    static final int SETS = 2048;
    static final int MAX_LENGTH = 1024;
    /**
     * Shorter values are scanned, never looked up: their scan (a trie step or two, a dozen automaton steps) costs less
     * than hashing the value, comparing it and replaying its marks, so the memo could only cost there.
     */
    static final int MIN_LENGTH = 16;

    static final int MAX_ATOMS = 32;
    /** Lookups of a field between decisions. */
    static final int WINDOW = 256;
    /** Values of a field not looked up after a window with too few hits. */
    static final int PAUSE = 8192;

    private static final long[] NONE = new long[0];

    private final Object[] owner = new Object[2 * SETS];
    private final String[] key = new String[2 * SETS];
    /** Per entry the rule marks of its atoms: {@code word, first-pass bits, second-pass bits} per word touched. */
    private final long[][] marks = new long[2 * SETS][];

    /**
     * Per bucket — the field id, or for fields no rule names ({@code -1}) one bucket per slot position beyond them
     * (so a syslog {@code message} is not averaged with the constant {@code product} beside it): lookups and hits in
     * the current window, values left paused, and the current pause (doubling while a field keeps missing).
     */
    private int[] lookups;

    private int[] hits;
    private int[] paused;
    private int[] pause;
    private final int named;
    /** Slot positions with a bucket of their own (further slots share the last). */
    static final int SLOT_BUCKETS = 64;
    /** Longest pause. */
    static final int MAX_PAUSE = 1 << 20;

    /** Atoms reported while recording a scan; {@code recorded < 0} after an overflow. */
    final int[] record = new int[MAX_ATOMS];

    int recorded = -1;

    /** Scans replayed so far. */
    long replays;

    ValueMemo(int fieldCount) {
        named = fieldCount;
        int n = fieldCount + SLOT_BUCKETS;
        lookups = new int[n];
        hits = new int[n];
        paused = new int[n];
        pause = new int[n];
        Arrays.fill(pause, PAUSE);
    }

    /** The statistics bucket of a value: its field id, or its slot position when no rule names the field. */
    int bucket(int field, int slot) {
        return field >= 0 ? field : named + Math.min(slot, SLOT_BUCKETS - 1);
    }

    /** Whether values of this bucket are worth looking up now. */
    boolean wants(int b, String text) {
        int len = text.length();
        if (len < MIN_LENGTH || len > MAX_LENGTH) return false;
        if (b >= paused.length) grow(b + 1);
        if (paused[b] > 0) {
            paused[b]--;
            return false;
        }
        return true;
    }

    private void grow(int n) {
        int from = lookups.length;
        lookups = Arrays.copyOf(lookups, n);
        hits = Arrays.copyOf(hits, n);
        paused = Arrays.copyOf(paused, n);
        pause = Arrays.copyOf(pause, n);
        Arrays.fill(pause, from, n, PAUSE);
    }

    /**
     * Scans {@code fi} over the value through the memo: replays the atoms of a remembered scan, or scans, records
     * and remembers.
     */
    void scan(FieldIndex fi, dev.vigil.engine.event.Event e, int slot, String text, int f, Scratch sc) {
        int h = text.hashCode() ^ fi.salt;
        int set = (h ^ (h >>> 16)) & (SETS - 1);
        int w0 = 2 * set;
        int w1 = w0 + 1;
        int n = ++lookups[f];
        int hit = -1;
        if (owner[w0] == fi && text.equals(key[w0])) {
            hit = w0;
        } else if (owner[w1] == fi && text.equals(key[w1])) {
            // most recently used goes to way 0
            hit = w0;
            swap(w0, w1);
        }
        if (hit >= 0) {
            hits[f]++;
            replays++;
            sc.replay(marks[hit]);
        } else {
            recorded = 0;
            fi.scan(e, slot, sc);
            int k = recorded;
            recorded = -1;
            if (k >= 0) {
                owner[w1] = owner[w0];
                key[w1] = key[w0];
                marks[w1] = marks[w0];
                owner[w0] = fi;
                key[w0] = text;
                marks[w0] = k == 0 ? NONE : sc.marksOf(record, k);
            }
        }
        if (n >= WINDOW) {
            // a miss costs a hash, a compare and the recording on top of the scan: below half hits the memo loses
            if (hits[f] * 2 < n) {
                paused[f] = pause[f];
                pause[f] = Math.min(MAX_PAUSE, pause[f] * 2);
            } else {
                pause[f] = PAUSE;
            }
            lookups[f] = 0;
            hits[f] = 0;
        }
    }

    private void swap(int a, int b) {
        Object o = owner[a];
        owner[a] = owner[b];
        owner[b] = o;
        String k = key[a];
        key[a] = key[b];
        key[b] = k;
        long[] x = marks[a];
        marks[a] = marks[b];
        marks[b] = x;
    }

    /** Called by {@link Scratch#hit} while recording. */
    void note(int atom) {
        int k = recorded;
        if (k < 0) return;
        for (int i = 0; i < k; i++) if (record[i] == atom) return;
        if (k == MAX_ATOMS) recorded = -1;
        else {
            record[k] = atom;
            recorded = k + 1;
        }
    }
}
