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
