package dev.vigil.engine.compile;

import java.util.List;
import java.util.Map;

/**
 * A compiled rule is a tree of nodes: {@link And}, {@link Or}, {@link Not}, {@link AtLeast} ({@code x of}) and
 * {@link Leaf} predicates over interned field ids. Conditions, selections, value lists, {@code |all}, {@code neq},
 * filters and expansions (windash, base64offset, placeholders) are all lowered into this one shape, so the matcher
 * has a single evaluation loop and a candidate index can read every leaf (field id, operator, literal) directly.
 *
 * <p>Evaluation short-circuits and allocates nothing. Identifiers used twice in a condition share one subtree.
 */
public abstract sealed class Node permits Node.And, Node.Or, Node.Not, Node.AtLeast, Node.Const, Leaf {

    /** Whether the bound event satisfies this node. */
    public abstract boolean eval(EvalContext c);

    /** For a node that evaluated true: adds the fields (name → matched value) that made it true. */
    abstract void collect(EvalContext c, Map<String, Object> out);

    /** Children, for tree walks (empty for leaves and constants). */
    public abstract List<Node> children();

    /**
     * The tree with the leaves {@code isFalse} selects replaced by false, then simplified (constants folded, an
     * operator left with one operand unwrapped): the same instance when no leaf is selected. Evaluates exactly as the
     * original on every event where the selected leaves are false — the candidate index uses it for rules whose
     * exclusions it has already checked ({@code CandidateIndex#residual}). A subtree used twice is rewritten once.
     */
    public static Node assumingFalse(Node root, java.util.function.Predicate<Leaf> isFalse) {
        return rewrite(root, isFalse, new java.util.IdentityHashMap<>(), 0);
    }

    private static Node rewrite(Node n, java.util.function.Predicate<Leaf> isFalse, Map<Node, Node> memo, int depth) {
        Node done = memo.get(n);
        if (done != null) return done;
        if (depth > 256) return n; // deeper than any compiled rule: leave it as it is (still exact)
        Node out;
        switch (n) {
            case Leaf l -> out = isFalse.test(l) ? Const.FALSE : l;
            case Const c -> out = c;
            case Not x -> {
                Node o = rewrite(x.op, isFalse, memo, depth + 1);
                out = o == Const.TRUE ? Const.FALSE : o == Const.FALSE ? Const.TRUE : o == x.op ? x : new Not(o);
            }
            case And a -> out = junction(a.ops, a, true, isFalse, memo, depth);
            case Or o -> out = junction(o.ops, o, false, isFalse, memo, depth);
            case AtLeast al -> {
                java.util.List<Node> kept = new java.util.ArrayList<>(al.ops.length);
                int k = al.k;
                boolean changed = false;
                for (Node c : al.ops) {
                    Node r = rewrite(c, isFalse, memo, depth + 1);
                    if (r != c) changed = true;
                    if (r == Const.TRUE) k--;
                    else if (r != Const.FALSE) kept.add(r);
                }
                if (!changed) out = al;
                else if (k <= 0) out = Const.TRUE;
                else if (k > kept.size()) out = Const.FALSE;
                else if (k == 1) out = kept.size() == 1 ? kept.get(0) : new Or(kept.toArray(new Node[0]));
                else out = new AtLeast(k, kept.toArray(new Node[0]));
            }
        }
        memo.put(n, out);
        return out;
    }

    /** AND ({@code and}) or OR of rewritten operands: the absorbing constant short-cuts, the neutral one drops. */
    private static Node junction(
            Node[] ops,
            Node self,
            boolean and,
            java.util.function.Predicate<Leaf> isFalse,
            Map<Node, Node> memo,
            int depth) {
        Const absorbing = and ? Const.FALSE : Const.TRUE;
        Const neutral = and ? Const.TRUE : Const.FALSE;
        java.util.List<Node> kept = new java.util.ArrayList<>(ops.length);
        boolean changed = false;
        for (Node c : ops) {
            Node r = rewrite(c, isFalse, memo, depth + 1);
            if (r != c) changed = true;
            if (r == absorbing) return absorbing;
            if (r != neutral) kept.add(r);
        }
        if (!changed) return self;
        if (kept.isEmpty()) return neutral;
        if (kept.size() == 1) return kept.get(0);
        Node[] arr = kept.toArray(new Node[0]);
        return and ? new And(arr) : new Or(arr);
    }

    /** Every operand true. */
    public static final class And extends Node {
        final Node[] ops;

        And(Node[] ops) {
            this.ops = ops;
        }

        @Override
        public boolean eval(EvalContext c) {
            for (Node n : ops) if (!n.eval(c)) return false;
            return true;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            for (Node n : ops) n.collect(c, out);
        }

        @Override
        public List<Node> children() {
            return List.of(ops);
        }

        @Override
        public String toString() {
            return "and" + children();
        }
    }

    /** Any operand true. */
    public static final class Or extends Node {
        final Node[] ops;

        Or(Node[] ops) {
            this.ops = ops;
        }

        @Override
        public boolean eval(EvalContext c) {
            for (Node n : ops) if (n.eval(c)) return true;
            return false;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            for (Node n : ops) {
                if (n.eval(c)) {
                    n.collect(c, out);
                    return;
                }
            }
        }

        @Override
        public List<Node> children() {
            return List.of(ops);
        }

        @Override
        public String toString() {
            return "or" + children();
        }
    }

    /** Negation. Contributes no matched fields. */
    public static final class Not extends Node {
        final Node op;

        Not(Node op) {
            this.op = op;
        }

        @Override
        public boolean eval(EvalContext c) {
            return !op.eval(c);
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            // a negation matched because something was absent: nothing to report
        }

        public Node operand() {
            return op;
        }

        @Override
        public List<Node> children() {
            return List.of(op);
        }

        @Override
        public String toString() {
            return "not(" + op + ")";
        }
    }

    /** At least {@code k} operands true ({@code k of pattern} with k &gt; 1). */
    public static final class AtLeast extends Node {
        final int k;
        final Node[] ops;

        AtLeast(int k, Node[] ops) {
            this.k = k;
            this.ops = ops;
        }

        public int k() {
            return k;
        }

        @Override
        public boolean eval(EvalContext c) {
            int hits = 0;
            int left = ops.length;
            for (Node n : ops) {
                if (n.eval(c) && ++hits >= k) return true;
                if (hits + --left < k) return false;
            }
            return false;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {
            for (Node n : ops) if (n.eval(c)) n.collect(c, out);
        }

        @Override
        public List<Node> children() {
            return List.of(ops);
        }

        @Override
        public String toString() {
            return k + "of" + children();
        }
    }

    /** A constant (never produced by the compiler today; kept for rewrites such as an index's simplifications). */
    public static final class Const extends Node {
        public static final Const TRUE = new Const(true);
        public static final Const FALSE = new Const(false);
        final boolean value;

        private Const(boolean value) {
            this.value = value;
        }

        @Override
        public boolean eval(EvalContext c) {
            return value;
        }

        @Override
        void collect(EvalContext c, Map<String, Object> out) {}

        @Override
        public List<Node> children() {
            return List.of();
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }
}
