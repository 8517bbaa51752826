package dev.vigil.engine.index;

import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Node;
import dev.vigil.engine.compile.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The candidate index of a rule set (the "presearcher" of Lucene's monitor module): which rules can possibly match
 * an event, found with one pass per present field instead of evaluating every rule.
 *
 * <p>Build: each rule's {@link Witness}es — sets of atoms at least one of which holds on every event the rule
 * matches; up to two that must both hold ({@link Witness#all}) — are extracted once; rules without a witness are
 * {@code always} evaluated. Per route (the rules an event
 * logsource selects; all rules without routing) a {@link SubIndex} registers the atoms of exactly those rules:
 * tries for EQ/PREFIX/SUFFIX, an Aho–Corasick automaton and a gram filter for CONTAINS, per field, and one such
 * index over every value for keywords.
 *
 * <p>Match: {@link #collect} scans each value of the bound event whose field has atoms (the raw text, folded to
 * lower case on the fly — the same characters the rules compare) and marks, per pass, the rules of every atom that
 * holds; {@link #candidates} are then {@code ((marked in pass 1 ∩ (marked in pass 2 ∪ single-witness)) ∪
 * always-in-route) ∖ vetoed}, ascending — a rule is vetoed when an exact atom holds that proves one of its
 * exclusions ({@link Witness#veto}: {@code not Image endswith '.exe'} is false on an event whose Image ends so). The invariant — a rule that matches an
 * event is always a candidate — rests on each witness being sound ({@link Witness}); {@code IndexEquivalenceTest}
 * checks indexed and naive matching give identical detections on every bench lane, the regression samples and
 * random events built from the rules' own literals.
 *
 * <p>Sub-indexes are built on first use and shared by routes that select the same rules; at most {@link
 * #MAX_SUB_INDEXES} are kept (an adversary inventing logsources cannot grow memory), beyond that the all-rules
 * sub-index serves, restricted to the route — slower, never wrong.
 *
 * <p>Immutable apart from those caches; thread-safe. Per-thread state is a {@link Scratch}.
 */
public final class CandidateIndex {
    static final int MAX_SUB_INDEXES = 64;

    final int rules;
    final int words;
    final int fieldCount;
    /** Distinct atoms of all witnesses. */
    final Atom[] atoms;
    /** Per rule: its (first) witness as atom ids, or null when it has none. */
    final int[][] ruleAtoms;
    /** Per rule: its second witness, or null when it has only one (or none). */
    final int[][] ruleAtoms2;
    /** Per rule: its veto atoms (any one holding proves the rule false: {@link Witness#veto}), or null. */
    final int[][] ruleVeto;

    private final int vetoed;
    /** Rules their candidate test decides ({@link Witness#decided}): a candidate among them matches. */
    private final long[] decided;

    private final int decidedCount;
    /**
     * Per rule with a veto: its tree with the leaves of its veto atoms replaced by false ({@link Node#assumingFalse}),
     * or null when that changes nothing. A candidate has no veto atom holding, and those leaves are exact, so the
     * residual tree decides it exactly as the full one, with fewer tests.
     */
    private final Node[] residual;

    private int residualCount;

    final long[] always;
    /** Rules with at most one witness (their second pass is always satisfied). */
    final long[] single;

    private final int alwaysCount;
    private final long[] allMask;
    private final ConcurrentHashMap<MaskKey, SubIndex> subs = new ConcurrentHashMap<>();
    private volatile SubIndex all;

    /** A route's rule set as a map key (routes with the same rules share a sub-index). */
    private record MaskKey(long[] mask, int hash) {
        MaskKey(long[] mask) {
            this(mask, Arrays.hashCode(mask));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaskKey k && k.hash == hash && Arrays.equals(k.mask, mask);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private CandidateIndex(List<CompiledRule> compiled, int fieldCount) {
        this.rules = compiled.size();
        this.words = (rules + 63) >>> 6;
        this.fieldCount = fieldCount;
        this.always = new long[words];
        this.allMask = new long[words];
        this.ruleAtoms = new int[rules][];
        this.ruleAtoms2 = new int[rules][];
        this.ruleVeto = new int[rules][];
        this.single = new long[words];
        this.decided = new long[words];
        this.residual = new Node[rules];
        int decidedRules = 0;
        Map<Atom, Integer> ids = new HashMap<>();
        List<Atom> list = new ArrayList<>();
        int none = 0;
        int withVeto = 0;
        for (CompiledRule r : compiled) {
            int idx = r.index();
            allMask[idx >>> 6] |= 1L << idx;
            Set<Atom> veto = Witness.veto(r.root());
            if (!veto.isEmpty()) {
                ruleVeto[idx] = ids(veto, ids, list);
                withVeto++;
                Node res = Node.assumingFalse(r.root(), l -> {
                    Atom a = Witness.exactAtom(l);
                    return a != null && veto.contains(a);
                });
                if (res != r.root()) {
                    residual[idx] = res;
                    residualCount++;
                }
            }
            List<Witness> ws = Witness.all(r.root());
            if (ws.isEmpty()) {
                always[idx >>> 6] |= 1L << idx;
                single[idx >>> 6] |= 1L << idx;
                none++;
                continue;
            }
            if (Witness.decided(r.root(), ws, veto)) {
                decided[idx >>> 6] |= 1L << idx;
                decidedRules++;
            }
            ruleAtoms[idx] = ids(ws.get(0), ids, list);
            if (ws.size() > 1) ruleAtoms2[idx] = ids(ws.get(1), ids, list);
            else single[idx >>> 6] |= 1L << idx;
        }
        this.atoms = list.toArray(new Atom[0]);
        this.alwaysCount = none;
        this.vetoed = withVeto;
        this.decidedCount = decidedRules;
    }

    private static int[] ids(Witness w, Map<Atom, Integer> ids, List<Atom> list) {
        return ids(w.atoms, ids, list);
    }

    private static int[] ids(Set<Atom> atoms, Map<Atom, Integer> ids, List<Atom> list) {
        int[] ra = new int[atoms.size()];
        int k = 0;
        for (Atom a : atoms) {
            Integer id = ids.get(a);
            if (id == null) {
                id = list.size();
                ids.put(a, id);
                list.add(a);
            }
            ra[k++] = id;
        }
        return ra;
    }

    /** Builds the index of compiled rules (rule {@code i} at position {@code i}) over {@code fieldCount} field ids. */
    public static CandidateIndex build(List<CompiledRule> compiled, int fieldCount) {
        return new CandidateIndex(compiled, fieldCount);
    }

    /** Per-thread state for {@link #collect}. */
    public Scratch newScratch() {
        return newScratch(true);
    }

    /**
     * Per-thread state; with {@code memo}, string scans of values seen recently are replayed from a bounded memo
     * ({@link ValueMemo}) instead of repeated.
     */
    public Scratch newScratch(boolean memo) {
        return new Scratch(this, memo);
    }

    /**
     * Whether short keyword lists are scanned with the SIMD prefilter ({@link PackedScanner}): the JVM resolved the
     * incubating Vector API module ({@code --add-modules jdk.incubator.vector}) and {@code vigil.engine.simd} is not
     * false. The detections are the same either way.
     */
    public static boolean simdPrefilter() {
        return Simd.AVAILABLE;
    }

    /** Number of distinct atoms over all witnesses. */
    public int atoms() {
        return atoms.length;
    }

    /** Rules without a sound witness (evaluated on every event of their route). */
    public int alwaysEvaluated() {
        return alwaysCount;
    }

    /** Rules with a veto (exclusions the index can prove, so such a rule is not evaluated where one holds). */
    public int vetoed() {
        return vetoed;
    }

    /**
     * Whether being a candidate proves the rule matches (its candidate test is the rule: {@link Witness#decided}),
     * so the engine need not evaluate it.
     */
    public boolean decides(int rule) {
        return (decided[rule >>> 6] & (1L << rule)) != 0;
    }

    /**
     * The tree to evaluate for a candidate rule instead of its full one (the leaves its veto has already shown false
     * removed), or null to evaluate the rule itself.
     */
    public Node residual(int rule) {
        return residual[rule];
    }

    /** Rules with a {@link #residual} tree. */
    public int residualRules() {
        return residualCount;
    }

    /** Rules the candidate test decides (matched without evaluation when they are candidates). */
    public int decidedRules() {
        return decidedCount;
    }

    /** Approximate heap bytes of the sub-indexes built so far. */
    public long approximateBytes() {
        long b = 0;
        for (SubIndex s : subs.values()) b += s.bytes();
        SubIndex a = all;
        return a == null ? b : b + a.bytes();
    }

    /** Number of sub-indexes built so far. */
    public int subIndexes() {
        return subs.size() + (all == null ? 0 : 1);
    }

    /**
     * Builds the sub-index of a route now (otherwise built on the first event routed there): a caller that knows which
     * logsources will come can move that cost out of the first events' latency.
     */
    public void prepare(Route route) {
        sub(route);
    }

    /** Builds the sub-index of every rule now (otherwise built on the first unrouted event). */
    public void prepareAll() {
        allRules();
    }

    private SubIndex allRules() {
        SubIndex a = all;
        if (a == null) {
            synchronized (this) {
                a = all;
                if (a == null) all = a = new SubIndex(this, allMask);
            }
        }
        return a;
    }

    private SubIndex sub(Route route) {
        Object att = route.attachment();
        if (att instanceof SubIndex s) return s;
        long[] mask = route.mask();
        SubIndex s;
        if (Arrays.equals(mask, allMask)) {
            s = allRules();
        } else {
            MaskKey key = new MaskKey(mask);
            s = subs.get(key);
            if (s == null) {
                if (subs.size() >= MAX_SUB_INDEXES) return allRules(); // not memoised on the route: may free up
                s = subs.computeIfAbsent(key, k -> new SubIndex(this, mask));
            }
        }
        route.attach(s);
        return s;
    }

    /**
     * Scans the event bound to {@code ctx} and marks its candidate rules in {@code sc}; read them with {@link
     * #candidates} (which also clears the marks for the next event).
     */
    public void collect(EvalContext ctx, Route route, Scratch sc) {
        SubIndex s = sub(route);
        sc.begin(s);
        s.collect(ctx, sc);
    }

    /**
     * The candidates of the last {@link #collect} as ascending rule indices in {@link Scratch#candidates()}; returns
     * their number. Clears the marks for the next event.
     */
    public int candidates(Route route, Scratch sc) {
        SubIndex s = sc.current;
        long[] mask = route.mask();
        long[] alw = s.always;
        long[] one = single;
        long[] hits = sc.hits;
        long[] hits2 = sc.hits2;
        long[] veto = sc.veto;
        long[] touched = sc.touched;
        long[] alwaysWords = s.alwaysWords;
        int[] out = sc.candidates;
        int c = 0;
        // only the words an atom marked or that hold always-evaluated rules: a few of the rule set's words
        for (int x = 0; x < touched.length; x++) {
            long ws = touched[x] | alwaysWords[x];
            touched[x] = 0;
            while (ws != 0) {
                int w = (x << 6) + Long.numberOfTrailingZeros(ws);
                ws &= ws - 1;
                long bits = ((hits[w] & (hits2[w] | one[w])) | alw[w]) & ~veto[w] & mask[w];
                hits[w] = 0;
                hits2[w] = 0;
                veto[w] = 0;
                while (bits != 0) {
                    out[c++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                }
            }
        }
        return c;
    }
}
