package dev.vigil.engine.index;

import dev.vigil.engine.compile.EvalContext;
import dev.vigil.engine.compile.Leaf;
import dev.vigil.engine.event.Event;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Local atom → rules, {@link #STRIDE} ints per atom so that an atom hit reads one cache line: atom {@code a} with
     * at most two rules is {@code {n1, n2, rule, rule}} ({@code n1} first-witness rules, then {@code n2}
     * second-witness rules); an atom with more, or vetoing any rule, is {@code {-1 - v, from, mid, end}}: its
     * first-witness rules are {@code atomOverflow[from .. mid)}, its second-witness rules {@code [mid .. end)}, the
     * {@code v} rules it vetoes {@code [end .. end + v)}.
     */
    final int[] atomRules;

    final int[] atomOverflow;

    /** Ints per atom in {@link #atomRules}. */
    static final int STRIDE = 4;
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
        List<List<Integer>> vetoOf = new ArrayList<>();
        List<Atom> atoms = new ArrayList<>();
        always = new long[global.words];
        alwaysWords = new long[(global.words + 63) >>> 6];
        for (int w = 0; w < global.words; w++) {
            always[w] = global.always[w] & mask[w];
            if (always[w] != 0) alwaysWords[w >>> 6] |= 1L << w;
        }
        for (int r = 0; r < global.rules; r++) {
            if ((mask[r >>> 6] & (1L << r)) == 0) continue;
            for (int pass = 0; pass < 3; pass++) {
                int[] ra = pass == 0 ? global.ruleAtoms[r] : pass == 1 ? global.ruleAtoms2[r] : global.ruleVeto[r];
                if (ra == null) continue;
                for (int g : ra) {
                    Integer id = local.get(g);
                    if (id == null) {
                        id = atoms.size();
                        local.put(g, id);
                        atoms.add(global.atoms[g]);
                        rulesOf.add(new ArrayList<>(2));
                        rulesOf2.add(new ArrayList<>(0));
                        vetoOf.add(new ArrayList<>(0));
                    }
                    (pass == 0 ? rulesOf : pass == 1 ? rulesOf2 : vetoOf)
                            .get(id)
                            .add(r);
                }
            }
        }
        atomCount = atoms.size();
        int[][] packed = pack(lists(rulesOf), lists(rulesOf2), lists(vetoOf));
        atomRules = packed[0];
        atomOverflow = packed[1];
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

    /** Two atom → rules lists as {@code {atomRules, atomOverflow}} (see {@link #atomRules}). */
    static int[][] pack(int[][] first, int[][] second) {
        int[][] none = new int[first.length][];
        Arrays.fill(none, new int[0]);
        return pack(first, second, none);
    }

    /** As {@link #pack(int[][], int[][])} with the rules each atom vetoes. */
    static int[][] pack(int[][] first, int[][] second, int[][] veto) {
        int n = first.length;
        int[] rules = new int[STRIDE * n];
        int total = 0;
        for (int a = 0; a < n; a++) {
            int k = first[a].length + second[a].length;
            if (k > 2 || veto[a].length > 0) total += k + veto[a].length;
        }
        int[] over = new int[total];
        int p = 0;
        for (int a = 0; a < n; a++) {
            int base = STRIDE * a;
            int n1 = first[a].length;
            int n2 = second[a].length;
            int nv = veto[a].length;
            if (n1 + n2 <= 2 && nv == 0) {
                rules[base] = n1;
                rules[base + 1] = n2;
                int k = base + 2;
                for (int r : first[a]) rules[k++] = r;
                for (int r : second[a]) rules[k++] = r;
            } else {
                rules[base] = -1 - nv;
                rules[base + 1] = p;
                System.arraycopy(first[a], 0, over, p, n1);
                p += n1;
                rules[base + 2] = p;
                System.arraycopy(second[a], 0, over, p, n2);
                p += n2;
                rules[base + 3] = p;
                System.arraycopy(veto[a], 0, over, p, nv);
                p += nv;
            }
        }
        return new int[][] {rules, over};
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
        final ValueMemo memo = sc.memo;
        for (int s = 0, n = e.size(); s < n; s++) {
            int f = ctx.fieldOf(s);
            FieldIndex fi = f >= 0 ? fs[f] : null;
            if (fi != null) {
                if (fi.presentAtom >= 0) sc.hit(fi.presentAtom);
                if (fi.hasNumbers()) fi.scanNumber(e.value(s), sc);
                if (!fi.hasStrings()) fi = null;
            }
            if (fi == null && kw == null) continue;
            String t = e.text(s);
            if (t == null) continue;
            int b;
            if (memo != null && memo.wants(b = memo.bucket(f, s), t)) {
                if (fi != null) memo.scan(fi, e, s, t, b, sc);
                if (kw != null) memo.scan(kw, e, s, t, b, sc);
            } else {
                if (fi != null) fi.scan(e, s, sc);
                if (kw != null) kw.scan(e, s, sc);
            }
        }
    }

    long bytes() {
        long b = 0;
        for (FieldIndex f : fields) if (f != null) b += f.bytes();
        if (keywords != null) b += keywords.bytes();
        b += 16 + 4L * atomRules.length + 16 + 4L * atomOverflow.length;
        return b;
    }
}
