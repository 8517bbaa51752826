package dev.vigil.engine.compile;

import dev.vigil.engine.Logsource;
import dev.vigil.engine.RuleInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule ready to match: its description, logsource (for routing), the root of its predicate tree and the flat
 * list of its distinct leaves (for a candidate index). {@link #index()} is its position in the rule set. Immutable
 * and thread-safe; evaluation state lives in the caller's {@link EvalContext}.
 */
public final class CompiledRule {
    private final int index;
    private final RuleInfo info;
    private final Node root;
    private final List<Leaf> leaves;
    private final List<String> filters;

    CompiledRule(int index, RuleInfo info, Node root, List<String> filters) {
        this.index = index;
        this.info = info;
        this.root = root;
        this.filters = List.copyOf(filters);
        List<Leaf> ls = new ArrayList<>();
        collectLeaves(root, ls, Collections.newSetFromMap(new IdentityHashMap<>()));
        this.leaves = List.copyOf(ls);
    }

    private static void collectLeaves(Node n, List<Leaf> out, Set<Node> seen) {
        if (!seen.add(n)) return;
        if (n instanceof Leaf l) {
            out.add(l);
            return;
        }
        for (Node c : n.children()) collectLeaves(c, out, seen);
    }

    public int index() {
        return index;
    }

    public RuleInfo info() {
        return info;
    }

    public Logsource logsource() {
        return info.logsource();
    }

    /** Root of the predicate tree (condition, selections, values and filters lowered into one tree). */
    public Node root() {
        return root;
    }

    /** The distinct leaves of the tree, in first-visit order. */
    public List<Leaf> leaves() {
        return leaves;
    }

    /** Ids (or titles) of the filters AND-ed into this rule. */
    public List<String> filters() {
        return filters;
    }

    /** Whether the bound event matches. */
    public boolean matches(EvalContext c) {
        return root.eval(c);
    }

    /**
     * For a matching event: field name → value of the positive leaves that made it match, in the order they were
     * found (an immutable {@link FieldMap}).
     */
    public Map<String, Object> matchedFields(EvalContext c) {
        FieldMap.Builder out = new FieldMap.Builder();
        root.collect(c, out);
        return out.build();
    }

    @Override
    public String toString() {
        return info.ref() + ": " + root;
    }
}
