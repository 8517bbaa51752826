package dev.vigil.engine.index;

import dev.vigil.engine.compile.Leaf;
import dev.vigil.engine.compile.Node;
import dev.vigil.engine.compile.RegexLiterals;
import dev.vigil.engine.compile.Strings;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Extracts a sound witness from a compiled rule's predicate tree: a set of {@link Atom}s such that <em>every</em>
 * event the tree matches satisfies at least one of them. A rule whose witness no atom of an event satisfies cannot
 * match that event, so the index may skip it; a rule without a witness ({@code null}) must always be evaluated.
 *
 * <p>The rules, by node (W is the witness, {@code null} means "none"):
 *
 * <ul>
 *   <li>positive string leaf: its literal as an atom of the same kind (EQ, PREFIX, SUFFIX, CONTAINS), already
 *       lower-case; a case-sensitive literal only when it is ASCII (an ASCII run of a value stays a run of its {@code
 *       Locale.ROOT} lower-case form; non-ASCII case mappings may change length or depend on context);
 *   <li>a glob: its best literal run between wildcards (PREFIX when anchored at the start, SUFFIX at the end);
 *   <li>a regex: the literals every match contains ({@link RegexLiterals}), when there are any;
 *   <li>a numeric equality: the number ({@link Atom.Kind#NUM});
 *   <li>a leaf that needs a value of its field (regex, cidr, numbers, booleans, time parts, {@code exists: true},
 *       {@code *}, field references, non-ASCII cased literals): the field's presence;
 *   <li>{@code not}, {@code null} and {@code exists: false}: none — absence cannot be witnessed by the index;
 *   <li>AND: the cheapest witness of any operand (all operands hold, so any one's witness does) — and with {@link
 *       #all}, the cheapest few together;
 *   <li>OR: the union of the operands' witnesses, none when one operand has none;
 *   <li>{@code k of n}: the union over the {@code n-k+1} cheapest operands (of any {@code k} true operands one is
 *       among them), none when one of those has none.
 * </ul>
 *
 * Costs estimate the chance an atom holds on a random event (longer literals are rarer, EQ rarer than PREFIX/SUFFIX,
 * those rarer than CONTAINS, keyword atoms test every value, presence is nearly free to satisfy); they only steer
 * the choice at AND and {@code k of n}, never soundness.
 */
final class Witness {
    /** Atoms (at least one holds on every match); empty when the tree can never match. */
    final Set<Atom> atoms;

    final double cost;

    private Witness(Set<Atom> atoms, double cost) {
        this.atoms = atoms;
        this.cost = cost;
    }

    private static final Witness NEVER = new Witness(Set.of(), 0);

    /** The witness of a tree, or null when it has none. */
    static Witness of(Node root) {
        List<Witness> ws = all(root);
        return ws.isEmpty() ? null : ws.get(0);
    }

    /** How many conjunctive witnesses a rule keeps (Lucene monitor's multipass presearcher keeps a few too). */
    static final int PASSES = 2;

    /**
     * Up to {@link #PASSES} witnesses that must <em>all</em> hold on every event the tree matches, cheapest first
     * (empty when there is none). An AND's operands each contribute theirs (all operands hold, so all their witnesses
     * do); an OR's j-th witness is the union of its operands' j-th (or last) witnesses: the operand that holds has all
     * of its own. A rule is a candidate only when every one of its witnesses has a hit, which removes most candidates
     * that one witness alone lets through (a rule needing {@code IntegrityLevel: System} <em>and</em> a file name).
     */
    static List<Witness> all(Node root) {
        return new Witness.Extractor().visit(root);
    }

    private static final class Extractor {
        private final Map<Node, List<Witness>> memo = new IdentityHashMap<>();

        List<Witness> visit(Node n) {
            List<Witness> w = memo.get(n);
            if (w == null) {
                w = compute(n);
                memo.put(n, w);
            }
            return w;
        }

        private List<Witness> compute(Node n) {
            switch (n) {
                case Node.And a -> {
                    List<Witness> all = new ArrayList<>();
                    for (Node c : a.children()) all.addAll(visit(c));
                    return best(all);
                }
                case Node.Or o -> {
                    List<List<Witness>> ops = new ArrayList<>();
                    int max = 0;
                    for (Node c : o.children()) {
                        List<Witness> w = visit(c);
                        if (w.isEmpty()) return List.of();
                        ops.add(w);
                        max = Math.max(max, w.size());
                    }
                    List<Witness> out = new ArrayList<>();
                    for (int j = 0; j < max; j++) {
                        List<Witness> part = new ArrayList<>();
                        for (List<Witness> w : ops) part.add(w.get(Math.min(j, w.size() - 1)));
                        out.add(union(part));
                    }
                    return best(out);
                }
                case Node.AtLeast al -> {
                    List<Node> ops = al.children();
                    int k = al.k();
                    if (k <= 0) return List.of();
                    if (k > ops.size()) return List.of(NEVER);
                    int need = ops.size() - k + 1;
                    List<Witness> ws = new ArrayList<>();
                    for (Node c : ops) {
                        List<Witness> w = visit(c);
                        if (!w.isEmpty()) ws.add(w.get(0));
                    }
                    if (ws.size() < need) return List.of();
                    ws.sort((x, y) -> Double.compare(x.cost, y.cost));
                    return List.of(union(ws.subList(0, need)));
                }
                case Node.Not ignored -> {
                    return List.of();
                }
                case Node.Const c -> {
                    return c == Node.Const.FALSE ? List.of(NEVER) : List.of();
                }
                case Leaf l -> {
                    Witness w = leaf(l);
                    return w == null ? List.of() : List.of(w);
                }
            }
        }

        /** The cheapest distinct witnesses, at most {@link #PASSES}. */
        private static List<Witness> best(List<Witness> ws) {
            if (ws.size() <= 1) return ws;
            List<Witness> sorted = new ArrayList<>(ws);
            sorted.sort((x, y) -> Double.compare(x.cost, y.cost));
            List<Witness> out = new ArrayList<>(PASSES);
            for (Witness w : sorted) {
                boolean dup = false;
                for (Witness o : out) dup |= o.atoms.equals(w.atoms);
                if (!dup) out.add(w);
                if (out.size() == PASSES) break;
            }
            return List.copyOf(out);
        }
    }

    /** Most veto atoms kept per rule (a rule excluding hundreds of paths is vetoed by its first ones only). */
    static final int MAX_VETO = 64;

    /**
     * A <em>veto</em> of a tree: atoms any one of which, holding on an event, proves the tree false there — the dual of
     * a witness, for rules that are mostly exclusions ({@code not Image endswith '.exe'}, {@code selection and not
     * filter_legit_paths}). Only <em>exact</em> atoms qualify: a case-insensitive string leaf with a non-empty literal
     * ({@code EQ PREFIX SUFFIX CONTAINS}) on a named field holds exactly when its atom is reported (the field index
     * reports exactly the atoms the lower-case value satisfies: {@code FieldIndexTest}); glob, regex and case-sensitive
     * atoms only approximate their leaf and are never used. Rules: {@code veto(and) = ∪ veto(operand)}, {@code
     * veto(not x) = proof(x)}; {@code proof(or) = ∪ proof(operand)}, {@code proof(leaf) = its atom}, {@code proof(not
     * x) = veto(x)}; nothing else. Empty when there is none.
     */
    static Set<Atom> veto(Node root) {
        Set<Atom> out = new LinkedHashSet<>();
        veto(root, out, 0);
        return out;
    }

    private static void veto(Node n, Set<Atom> out, int depth) {
        if (depth > 64 || out.size() >= MAX_VETO) return;
        switch (n) {
            case Node.And a -> {
                for (Node c : a.children()) veto(c, out, depth + 1);
            }
            case Node.Not x -> proof(x.children().get(0), out, depth + 1);
            default -> {}
        }
    }

    private static void proof(Node n, Set<Atom> out, int depth) {
        if (depth > 64) return;
        switch (n) {
            case Node.Or o -> {
                for (Node c : o.children()) proof(c, out, depth + 1);
            }
            case Node.Not x -> veto(x.children().get(0), out, depth + 1);
            case Leaf.Str s -> {
                if (out.size() >= MAX_VETO || s.field() == Leaf.ANY_FIELD) return;
                Atom a = exactAtom(s);
                if (a != null) out.add(a);
            }
            default -> {}
        }
    }

    /**
     * Whether a rule is <em>decided</em> by its candidate test: it holds on an event exactly when every one of its
     * witnesses {@code ws} has an atom that holds and none of its {@code veto} atoms holds — so a candidate rule need
     * not be evaluated at all. True when the tree is a conjunction (nested ANDs) of clauses, each either a positive
     * clause — an OR (nested) of exact leaves — or the negation of one, where the positive clauses' atom sets are
     * exactly the witnesses and the negated clauses' atoms are exactly the veto (not truncated at {@link #MAX_VETO}).
     * An exact leaf is a case-insensitive string leaf on a named field or a keyword, {@code EQ PREFIX SUFFIX
     * CONTAINS} with a non-empty literal: the index reports its atom exactly when the leaf holds on some value
     * ({@code FieldIndexTest}; keywords scan every value, as the keyword leaf tests every value). Globs, regexes,
     * case-sensitive and numeric leaves only approximate theirs and make a rule not decided. {@code
     * IndexEquivalenceTest} checks decided rules against full evaluation with the rest.
     */
    static boolean decided(Node root, List<Witness> ws, Set<Atom> veto) {
        if (ws.isEmpty() || veto.size() >= MAX_VETO) return false;
        List<Node> conjuncts = new ArrayList<>();
        conjuncts(root, conjuncts, 0);
        Set<Set<Atom>> positive = new java.util.HashSet<>();
        Set<Atom> negative = new java.util.HashSet<>();
        for (Node c : conjuncts) {
            Set<Atom> atoms = new java.util.HashSet<>();
            if (c instanceof Node.Not n) {
                if (!exactOr(n.operand(), atoms, 0)) return false;
                negative.addAll(atoms);
            } else {
                if (!exactOr(c, atoms, 0)) return false;
                positive.add(atoms);
            }
        }
        if (positive.size() != ws.size()) return false;
        for (Witness w : ws) if (!positive.contains(new java.util.HashSet<>(w.atoms))) return false;
        return negative.equals(new java.util.HashSet<>(veto));
    }

    private static void conjuncts(Node n, List<Node> out, int depth) {
        if (n instanceof Node.And a && depth < 64) {
            for (Node c : a.children()) conjuncts(c, out, depth + 1);
        } else {
            out.add(n);
        }
    }

    /** Adds the atoms of an OR (nested) of exact leaves; false when some operand is anything else. */
    private static boolean exactOr(Node n, Set<Atom> out, int depth) {
        if (depth > 64) return false;
        switch (n) {
            case Node.Or o -> {
                for (Node c : o.children()) if (!exactOr(c, out, depth + 1)) return false;
                return !o.children().isEmpty();
            }
            case Leaf l -> {
                Atom a = exactAtom(l);
                if (a == null) return false;
                out.add(a);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * The atom the index reports exactly when the leaf holds on some value of its field (or, for a keyword, on some
     * value), or null: case-insensitive {@code EQ PREFIX SUFFIX CONTAINS} string leaves with a non-empty literal.
     */
    static Atom exactAtom(Leaf l) {
        if (!(l instanceof Leaf.Str s) || s.caseSensitive()) return null;
        String lit = s.literal();
        if (lit == null || lit.isEmpty()) return null;
        Atom.Kind kind = switch (s.op()) {
            case EQ -> Atom.Kind.EQ;
            case PREFIX -> Atom.Kind.PREFIX;
            case SUFFIX -> Atom.Kind.SUFFIX;
            case CONTAINS -> Atom.Kind.CONTAINS;
            default -> null;
        };
        return kind == null ? null : new Atom(s.field(), kind, lit);
    }

    private static Witness union(List<Witness> ws) {
        Set<Atom> atoms = new LinkedHashSet<>();
        for (Witness w : ws) atoms.addAll(w.atoms);
        double cost = 0;
        for (Atom a : atoms) cost += cost(a);
        return new Witness(atoms, Math.min(cost, 1e9));
    }

    private static Witness single(Atom a) {
        return new Witness(Set.of(a), cost(a));
    }

    private static Witness presence(Leaf l) {
        return l.field() == Leaf.ANY_FIELD ? null : single(Atom.present(l.field()));
    }

    static Witness leaf(Leaf l) {
        int field = l.field();
        return switch (l) {
            case Leaf.Str s -> str(s, field);
            case Leaf.Glob g -> glob(g, field);
            case Leaf.Null ignored -> null;
            case Leaf.Exists e -> e.op() == Leaf.Op.EXISTS ? presence(l) : null;
            case Leaf.Regex r -> regex(r, field);
            case Leaf.Num n -> num(n, field);
            case Leaf.Bool ignored -> presence(l);
            case Leaf.Cidr ignored -> presence(l);
            case Leaf.FieldRef ignored -> presence(l);
            case Leaf.TimePart ignored -> presence(l);
            default -> null; // an unknown leaf kind: no claim
        };
    }

    /** Literals every match of the regex contains (see {@link RegexLiterals}), else the field's presence. */
    private static Witness regex(Leaf.Regex r, int field) {
        Set<String> lits = r.requiredLiterals();
        Witness p = presence(r);
        if (lits == null) return p;
        List<Witness> ws = new ArrayList<>();
        for (String lit : lits) ws.add(single(new Atom(field, Atom.Kind.CONTAINS, lit)));
        Witness u = union(ws);
        return p == null || u.cost < p.cost ? u : p;
    }

    /** A numeric equality: the number (or its text); comparisons and other numbers: the field's presence. */
    private static Witness num(Leaf.Num n, int field) {
        if (n.op() != Leaf.Op.NUM_EQ || field == Leaf.ANY_FIELD || !Double.isFinite(n.number())) return presence(n);
        return single(Atom.num(field, n.number(), n.literal()));
    }

    private static Witness str(Leaf.Str s, int field) {
        Leaf.Op op = s.op();
        if (op == Leaf.Op.ANY_VALUE) return presence(s);
        String lit = s.literal();
        if (s.caseSensitive()) {
            if (!ascii(lit)) return presence(s);
            lit = Strings.lower(lit);
        }
        if (lit.isEmpty() && op != Leaf.Op.EQ) return presence(s); // startswith '' etc.: any non-null value
        Atom.Kind kind = switch (op) {
            case EQ -> Atom.Kind.EQ;
            case PREFIX -> Atom.Kind.PREFIX;
            case SUFFIX -> Atom.Kind.SUFFIX;
            case CONTAINS -> Atom.Kind.CONTAINS;
            default -> null;
        };
        if (kind == null) return presence(s);
        return single(new Atom(field, kind, lit));
    }

    /** The cheapest literal run of a wildcard pattern (between {@code *} and {@code ?}). */
    private static Witness glob(Leaf.Glob g, int field) {
        List<String> segs = g.segments();
        boolean cased = g.caseSensitive();
        Atom best = null;
        for (int si = 0; si < segs.size(); si++) {
            String seg = segs.get(si);
            int start = 0;
            for (int i = 0; i <= seg.length(); i++) {
                if (i < seg.length() && !g.isSingle(si, i)) continue;
                if (i > start) {
                    String run = seg.substring(start, i);
                    if (!cased || ascii(run)) {
                        if (cased) run = Strings.lower(run);
                        boolean atStart = si == 0 && start == 0 && g.anchoredStart();
                        boolean atEnd = si == segs.size() - 1 && i == seg.length() && g.anchoredEnd();
                        Atom.Kind kind = atStart && atEnd
                                ? Atom.Kind.EQ
                                : atStart ? Atom.Kind.PREFIX : atEnd ? Atom.Kind.SUFFIX : Atom.Kind.CONTAINS;
                        Atom a = new Atom(field, kind, run);
                        if (best == null || cost(a) < cost(best)) best = a;
                    }
                }
                start = i + 1;
            }
        }
        return best == null ? presence(g) : single(best);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    /** Estimated probability that the atom holds on an event (a heuristic; see the class comment). */
    static double cost(Atom a) {
        String lit = a.literal();
        double p = switch (a.kind()) {
            case PRESENT -> 1.0;
            case NUM -> 0.02;
            case EQ -> RegexLiterals.equalsCost(lit);
            case PREFIX, SUFFIX -> RegexLiterals.anchoredCost(lit);
            case CONTAINS -> RegexLiterals.containsCost(lit);
        };
        if (a.field() == Leaf.ANY_FIELD) p = Math.min(1.0, p * 4);
        return p;
    }
}
