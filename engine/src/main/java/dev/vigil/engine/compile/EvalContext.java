package dev.vigil.engine.compile;

import dev.vigil.engine.event.Event;
import java.util.Arrays;

/**
 * Per-thread scratch state for evaluating compiled rules against one event at a time: the event bound to the rule
 * set's {@link FieldTable} (field id → first slot, slot → next slot of the same field). Reused across events, so
 * matching allocates nothing per rule. Not thread-safe: one context per thread.
 */
public final class EvalContext {
    private final FieldTable fields;
    private final int[] first;
    private final int[] last;
    private int[] next = new int[64];
    private int[] slotField = new int[64];
    private int[] touched;
    private int touchedCount;
    private Event event;

    public EvalContext(FieldTable fields) {
        this.fields = fields;
        this.first = new int[fields.size()];
        this.last = new int[fields.size()];
        this.touched = new int[Math.max(16, Math.min(fields.size(), 1024))];
        Arrays.fill(first, -1);
    }

    public FieldTable fields() {
        return fields;
    }

    /** Field ids by slot for recently seen name shapes (events of one source share their name strings). */
    private static final int SHAPES = 8;

    private final String[][] shapeNames = new String[SHAPES][];
    private final int[][] shapeIds = new int[SHAPES][];
    private final int[] shapeHash = new int[SHAPES];
    private int shapeNext;

    /** Binds an event: afterwards {@link #first(int)} and {@link #next(int)} walk its values per field id. */
    public void bind(Event e) {
        for (int i = 0; i < touchedCount; i++) first[touched[i]] = -1;
        touchedCount = 0;
        this.event = e;
        int n = e.size();
        if (next.length < n) {
            next = new int[Math.max(n, next.length * 2)];
            slotField = new int[next.length];
        }
        int[] ids = idsOf(e);
        for (int s = 0; s < n; s++) {
            int id = ids[s];
            next[s] = -1;
            slotField[s] = id;
            if (id < 0) continue;
            if (first[id] < 0) {
                first[id] = s;
                if (touchedCount == touched.length) touched = Arrays.copyOf(touched, touched.length * 2);
                touched[touchedCount++] = id;
            } else {
                next[last[id]] = s;
            }
            last[id] = s;
        }
    }

    private int[] idsOf(Event e) {
        String[] shape = e.shape();
        for (int k = 0; k < SHAPES; k++) if (shapeNames[k] == shape) return shapeIds[k];
        int h = e.namesHash();
        for (int k = 0; k < SHAPES; k++) {
            if (shapeIds[k] != null && shapeHash[k] == h && e.sameNames(shapeNames[k])) {
                shapeNames[k] = shape; // the same names: the next event of this reader shares this array
                return shapeIds[k];
            }
        }
        int n = e.size();
        int[] ids = new int[n];
        for (int s = 0; s < n; s++) ids[s] = fields.id(e.name(s));
        int k = shapeNext;
        shapeNext = (k + 1) % SHAPES;
        shapeNames[k] = shape;
        shapeIds[k] = ids;
        shapeHash[k] = h;
        return ids;
    }

    public Event event() {
        return event;
    }

    /** Slots of the regex memo (a power of two). */
    static final int REGEX_MEMO = 1024;
    /** Longest value whose regex answer is remembered (bounds the memo: at most 1,024 values of 2 KB per thread). */
    static final int REGEX_MEMO_MAX_LENGTH = 1024;

    /** Allocated on the first regex (a context for one event's matched fields never needs them). */
    private Leaf.Regex[] regexLeaf;

    private String[] regexText;
    private boolean[] regexAnswer;
    private long regexHits;

    /**
     * Whether the regex leaf holds on the value in {@code slot}, remembered per (leaf, value text): regexes are the
     * slowest leaves (microseconds with RE2J) and the values they test — command lines, paths — repeat. Direct-mapped,
     * {@link #REGEX_MEMO} slots; the text is compared in full, so an answer is only reused for the same leaf and the
     * same text (the answer is a function of the text: the pattern runs on it, its prefilter on its lower case).
     */
    boolean regex(Leaf.Regex leaf, Event e, int slot) {
        String v = e.text(slot);
        if (v == null) return false;
        if (v.length() > REGEX_MEMO_MAX_LENGTH) return leaf.test(e, slot);
        if (regexLeaf == null) {
            regexLeaf = new Leaf.Regex[REGEX_MEMO];
            regexText = new String[REGEX_MEMO];
            regexAnswer = new boolean[REGEX_MEMO];
        }
        int h = v.hashCode() ^ leaf.salt;
        int i = (h ^ (h >>> 16)) & (REGEX_MEMO - 1);
        if (regexLeaf[i] == leaf && v.equals(regexText[i])) {
            regexHits++;
            return regexAnswer[i];
        }
        boolean answer = leaf.test(e, slot);
        regexLeaf[i] = leaf;
        regexText[i] = v;
        regexAnswer[i] = answer;
        return answer;
    }

    /** Regex answers reused from the memo so far (statistics and tests). */
    public long regexMemoHits() {
        return regexHits;
    }

    /** First slot of the field in the bound event, or -1 when absent. */
    public int first(int fieldId) {
        return first[fieldId];
    }

    /** Field id of a slot of the bound event, or -1 when no rule mentions that field. */
    public int fieldOf(int slot) {
        return slotField[slot];
    }

    /** Next slot of the same field after {@code slot}, or -1. */
    public int next(int slot) {
        return next[slot];
    }
}
