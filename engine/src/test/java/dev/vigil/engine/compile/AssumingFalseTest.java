package dev.vigil.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Node#assumingFalse}: constants fold, single operands unwrap, untouched trees are returned as they are. */
class AssumingFalseTest {
    static Leaf leaf(String lit) {
        return new Leaf.Str(0, "Image", Leaf.Op.CONTAINS, lit, false);
    }

    final Leaf a = leaf("a");
    final Leaf b = leaf("b");
    final Leaf c = leaf("c");

    Node rewrite(Node n, Leaf... falseLeaves) {
        Set<Leaf> f = Set.of(falseLeaves);
        return Node.assumingFalse(n, f::contains);
    }

    @Test
    void untouchedTreesAreTheSameInstance() {
        Node t = new Node.And(new Node[] {a, new Node.Not(new Node.Or(new Node[] {b, c}))});
        assertThat(rewrite(t)).isSameAs(t);
        assertThat(rewrite(t, leaf("zzz"))).isSameAs(t);
    }

    @Test
    void constantsFoldThroughAndOrNot() {
        Node or = new Node.Or(new Node[] {a, b});
        assertThat(rewrite(or, a)).isSameAs(b);
        assertThat(rewrite(or, a, b)).isSameAs(Node.Const.FALSE);
        Node and = new Node.And(new Node[] {a, new Node.Not(new Node.Or(new Node[] {b, c}))});
        // not(or(false, false)) = true, dropped from the AND: only a remains
        assertThat(rewrite(and, b, c)).isSameAs(a);
        assertThat(rewrite(and, a)).isSameAs(Node.Const.FALSE);
        Node partial = rewrite(and, b);
        assertThat(partial.toString()).isEqualTo("and[Image CONTAINS 'a', not(Image CONTAINS 'c')]");
    }

    @Test
    void atLeastCountsTrueOperandsAndDropsFalseOnes() {
        Node two = new Node.AtLeast(2, new Node[] {a, b, new Node.Not(c)});
        // not(c) is true: one more needed of a, b
        assertThat(rewrite(two, c).toString()).isEqualTo("or[Image CONTAINS 'a', Image CONTAINS 'b']");
        // a false: both others needed
        assertThat(rewrite(two, a).toString()).isEqualTo("2of[Image CONTAINS 'b', not(Image CONTAINS 'c')]");
        assertThat(rewrite(two, a, b)).isSameAs(Node.Const.FALSE);
        Node one = new Node.AtLeast(2, new Node[] {new Node.Not(a), new Node.Not(b), c});
        assertThat(rewrite(one, a, b)).isSameAs(Node.Const.TRUE);
    }

    @Test
    void sharedSubtreesAreRewrittenOnce() {
        Node shared = new Node.Or(new Node[] {a, b});
        Node t = new Node.And(new Node[] {shared, new Node.Not(new Node.And(new Node[] {shared, c}))});
        Node r = rewrite(t, a);
        assertThat(r.children().get(0)).isSameAs(b);
        assertThat(r.children().get(1).children().get(0).children().get(0)).isSameAs(b);
    }
}
