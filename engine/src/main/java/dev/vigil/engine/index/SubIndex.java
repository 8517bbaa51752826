package dev.vigil.engine.index;

import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Leaf;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The index of one route's rules: automata and tries over exactly the atoms of the rules in the route, with atom
 * ids local to it. Built lazily, once per distinct rule set a route selects (so an event of one logsource never
 * scans for, or marks, rules of another; the Windows command-line literals of 1,200 process-creation rules are not
 * searched in a Cisco syslog message). Immutable and thread-safe.
 */
final class SubIndex {
    final int atomCount;
    /**
     * Local atom → rules, flat (one array, not one per atom: an atom hit costs one cache miss here, not two per
     * list): atom {@code a}'s first-witness rules are {@code atomRuleList[atomRuleStart[2a] .. atomRuleStart[2a+1])},
     * its second-witness rules {@code [atomRuleStart[2a+1] .. atomRuleStart[2a+2])}.
     */
    final int[] atomRuleStart;

    final int[] atomRuleList;
    /** Per field id, or null when no rule of the route has an atom on that field. */
    private final FieldIndex[] fields;

    private final FieldIndex keywords;
    /** The route's rules without a witness. */
    final long[] always;
    /** Bit {@code w} set: word {@code w} of {@link #always} is non-zero. */
    final long[] alwaysWords;

    SubIndex(CandidateIndex global, long[] mask) {
        int fieldCount = global.fieldCount;
        Map<Integer, Integer> local = new HashMap<>();
        List<List<Integer>> rulesOf = new ArrayList<>();
        List<List<Integer>> rulesOf2 = new ArrayList<>();
        List<Atom> atoms = new ArrayList<>();
        always = new long[global.words];
        alwaysWords = new long[(global.words + 63) >>> 6];
        for (int w = 0; w < global.words; w++) {
            always[w] = global.always[w] & mask[w];
            if (always[w] != 0) alwaysWords[w >>> 6] |= 1L << w;
        }
        for (int r = 0; r < global.rules; r++) {
            if ((mask[r >>> 6] & (1L << r)) == 0) continue;
            for (int pass = 0; pass < 2; pass++) {
                int[] ra = pass == 0 ? global.ruleAtoms[r] : global.ruleAtoms2[r];
                if (ra == null) continue;
                for (int g : ra) {
                    Integer id = local.get(g);
                    if (id == null) {
                        id = atoms.size();
                        local.put(g, id);
                        atoms.add(global.atoms[g]);
                        rulesOf.add(new ArrayList<>(2));
                        rulesOf2.add(new ArrayList<>(0));
                    }
                    (pass == 0 ? rulesOf : rulesOf2).get(id).add(r);
                }
            }
        }
        atomCount = atoms.size();
        int[][] flat = flatten(lists(rulesOf), lists(rulesOf2));
        atomRuleStart = flat[0];
        atomRuleList = flat[1];
        FieldIndex.Builder[] fb = new FieldIndex.Builder[fieldCount];
        FieldIndex.Builder kb = null;
        for (int i = 0; i < atomCount; i++) {
            Atom a = atoms.get(i);
            if (a.field() == Leaf.ANY_FIELD) {
                if (kb == null) kb = new FieldIndex.Builder();
                kb.add(a, i);
            } else {
                if (fb[a.field()] == null) fb[a.field()] = new FieldIndex.Builder();
                fb[a.field()].add(a, i);
            }
        }
        fields = new FieldIndex[fieldCount];
        for (int f = 0; f < fieldCount; f++) if (fb[f] != null) fields[f] = fb[f].build();
        keywords = kb == null ? null : kb.build();
    }

    /** Two atom → rules lists as {start offsets (2 per atom, plus the end), rules} (see {@link #atomRuleStart}). */
    static int[][] flatten(int[][] first, int[][] second) {
        int n = first.length;
        int[] start = new int[2 * n + 1];
        int total = 0;
        for (int a = 0; a < n; a++) total += first[a].length + second[a].length;
        int[] list = new int[total];
        int p = 0;
        for (int a = 0; a < n; a++) {
            start[2 * a] = p;
            System.arraycopy(first[a], 0, list, p, first[a].length);
            p += first[a].length;
            start[2 * a + 1] = p;
            System.arraycopy(second[a], 0, list, p, second[a].length);
            p += second[a].length;
        }
        start[2 * n] = p;
        return new int[][] {start, list};
    }

    private static int[][] lists(List<List<Integer>> ls) {
        int[][] out = new int[ls.size()][];
        for (int i = 0; i < out.length; i++) {
            List<Integer> l = ls.get(i);
            int[] a = new int[l.size()];
            for (int k = 0; k < a.length; k++) a[k] = l.get(k);
            out[i] = a;
        }
        return out;
    }

    /** Marks the rules whose witness the bound event satisfies. */
    void collect(EvalContext ctx, Scratch sc) {
        Event e = ctx.event();
        final FieldIndex[] fs = fields;
        final FieldIndex kw = keywords;
        for (int s = 0, n = e.size(); s < n; s++) {
            int f = ctx.fieldOf(s);
            if (f >= 0) {
                FieldIndex fi = fs[f];
                if (fi != null) {
                    if (fi.presentAtom >= 0) sc.hit(fi.presentAtom);
                    if (fi.hasNumbers()) fi.scanNumber(e.value(s), sc);
                    fi.scan(e, s, sc);
                }
            }
            if (kw != null) kw.scan(e, s, sc);
        }
    }

    long bytes() {
        long b = 0;
        for (FieldIndex f : fields) if (f != null) b += f.bytes();
        if (keywords != null) b += keywords.bytes();
        b += 16 + 4L * atomRuleStart.length + 16 + 4L * atomRuleList.length;
        return b;
    }
}
