package dev.vigil.engine.compile;

import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.rule.Condition;
import dev.vigil.engine.rule.DetectionDef;
import dev.vigil.engine.rule.RuleException;
import dev.vigil.engine.rule.RuleParser;
import dev.vigil.engine.rule.Selection;
import dev.vigil.engine.rule.SigmaFilter;
import dev.vigil.engine.rule.SigmaRule;
import dev.vigil.engine.rule.SigmaValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a parsed rule (and the filters that apply to it) into a {@link CompiledRule}: every search identifier
 * becomes a subtree ({@code AND} over a map's items, {@code OR} over a list of maps and over an item's values, or
 * {@code AND} with {@code all}; {@code neq} negates the item), the condition becomes {@code And/Or/Not/AtLeast}
 * over those subtrees, and each filter adds {@code AND (filter condition)} as in pySigma. Keywords compile to
 * substring leaves on any field (pySigma's reference matcher searches the raw event).
 */
public final class RuleCompiler {
    private final FieldTable.Builder fields;

    public RuleCompiler(FieldTable.Builder fields) {
        this.fields = fields;
    }

    public CompiledRule compile(int index, SigmaRule rule, List<SigmaFilter> filters) throws RuleException {
        Node root = detection(rule.detection(), "detection");
        List<String> applied = new ArrayList<>();
        for (SigmaFilter f : filters) {
            Node fn = detection(f.detection(), "filter " + f.ref() + ".filter");
            root = and(List.of(root, fn));
            applied.add(f.ref());
        }
        RuleInfo info = rule.info();
        return new CompiledRule(index, info, root, applied);
    }

    /** Most identifier references all {@code x of} expressions of one detection may expand to. */
    static final int MAX_OF_REFERENCES = 100_000;

    /** References expanded so far in the detection being compiled. */
    private int expanded;

    Node detection(DetectionDef d, String base) throws RuleException {
        expanded = 0;
        Map<String, Node> ids = new HashMap<>();
        for (Map.Entry<String, Selection> e : d.identifiers().entrySet()) {
            ids.put(e.getKey(), selection(e.getValue()));
        }
        List<Node> alts = new ArrayList<>();
        for (int i = 0; i < d.conditions().size(); i++) {
            alts.add(condition(d.conditions().get(i), ids, d, base + ".condition"));
        }
        return or(alts);
    }

    private Node condition(Condition c, Map<String, Node> ids, DetectionDef d, String path) throws RuleException {
        switch (c) {
            case Condition.And a -> {
                List<Node> ops = new ArrayList<>();
                for (Condition o : a.operands()) ops.add(condition(o, ids, d, path));
                return and(ops);
            }
            case Condition.Or o -> {
                List<Node> ops = new ArrayList<>();
                for (Condition x : o.operands()) ops.add(condition(x, ids, d, path));
                return or(ops);
            }
            case Condition.Not n -> {
                Node inner = condition(n.operand(), ids, d, path);
                return inner instanceof Node.Not nn ? nn.op : new Node.Not(inner);
            }
            case Condition.Ref r -> {
                Node n = ids.get(r.name());
                if (n == null) throw new RuleException(path, "unknown search identifier '" + r.name() + "'");
                return n;
            }
            case Condition.Of of -> {
                List<String> names =
                        RuleParser.resolve(of.pattern(), d.identifiers().keySet());
                expanded += names.size();
                if (expanded > MAX_OF_REFERENCES) {
                    throw new RuleException(
                            path,
                            "the condition's 'of' expressions cover more than " + MAX_OF_REFERENCES
                                    + " search identifiers in all");
                }
                if (names.isEmpty())
                    throw new RuleException(path, "'" + of.pattern() + "' matches no search identifier");
                List<Node> ops = new ArrayList<>();
                for (String nm : names) ops.add(ids.get(nm));
                if (of.count() == Condition.Of.ALL) return and(ops);
                if (of.count() > ops.size()) {
                    throw new RuleException(
                            path,
                            "'" + of.count() + " of " + of.pattern() + "' but only " + ops.size()
                                    + " search identifier(s) match, so the rule could never match");
                }
                if (of.count() == 1) return or(ops);
                if (of.count() == ops.size()) return and(ops);
                return new Node.AtLeast(of.count(), ops.toArray(new Node[0]));
            }
        }
    }

    private Node selection(Selection s) throws RuleException {
        switch (s) {
            case Selection.AllOf a -> {
                List<Node> ops = new ArrayList<>();
                for (Selection.FieldItem item : a.items()) ops.add(item(item));
                return and(ops);
            }
            case Selection.AnyOf o -> {
                List<Node> ops = new ArrayList<>();
                for (Selection alt : o.alternatives()) ops.add(selection(alt));
                return or(ops);
            }
        }
    }

    private Node item(Selection.FieldItem item) throws RuleException {
        int field = item.field() == null ? Leaf.ANY_FIELD : fields.intern(item.field());
        List<Node> ops = new ArrayList<>();
        for (SigmaValue v : item.values()) ops.add(value(field, item.field(), v, item.yamlPath()));
        Node n = item.all() ? and(ops) : or(ops);
        return item.negated() ? new Node.Not(n) : n;
    }

    private Node value(int field, String name, SigmaValue v, String path) throws RuleException {
        boolean keyword = field == Leaf.ANY_FIELD;
        switch (v) {
            case SigmaValue.Expansion ex -> {
                List<Node> ops = new ArrayList<>();
                for (SigmaValue e : ex.values()) ops.add(value(field, name, e, path));
                return or(ops);
            }
            case SigmaValue.Str s -> {
                return string(field, name, s, keyword, path);
            }
            case SigmaValue.Num n -> {
                if (keyword)
                    return string(field, name, dev.vigil.engine.rule.SigmaStrings.literal(n.text()), true, path);
                return new Leaf.Num(field, name, Leaf.Op.NUM_EQ, n.value(), n.text());
            }
            case SigmaValue.Bool b -> {
                if (keyword) {
                    return string(
                            field,
                            name,
                            dev.vigil.engine.rule.SigmaStrings.literal(String.valueOf(b.value())),
                            true,
                            path);
                }
                return new Leaf.Bool(field, name, b.value());
            }
            case SigmaValue.Null n -> {
                if (keyword) throw new RuleException(path, "a keyword cannot be null");
                return new Leaf.Null(field, name);
            }
            case SigmaValue.Regex r -> {
                return new Leaf.Regex(field, name, r.pattern(), r.original());
            }
            case SigmaValue.Cidr c -> {
                return new Leaf.Cidr(field, name, c.block());
            }
            case SigmaValue.Compare c -> {
                Leaf.Op op = switch (c.op()) {
                    case LT -> Leaf.Op.NUM_LT;
                    case LTE -> Leaf.Op.NUM_LTE;
                    case GT -> Leaf.Op.NUM_GT;
                    case GTE -> Leaf.Op.NUM_GTE;
                };
                return new Leaf.Num(
                        field, name, op, c.number().value(), c.number().text());
            }
            case SigmaValue.FieldRef f -> {
                int other = fields.intern(f.field());
                return new Leaf.FieldRef(field, name, other, f.field(), f.startsWith(), f.endsWith(), f.cased());
            }
            case SigmaValue.Exists e -> {
                return new Leaf.Exists(field, name, e.exists());
            }
            case SigmaValue.TimePart t -> {
                return new Leaf.TimePart(field, name, t.unit(), t.value());
            }
        }
    }

    /** A Sigma string → the cheapest equivalent leaf. Keywords match as substrings (implicit {@code *…*}). */
    private static Node string(int field, String name, SigmaValue.Str s, boolean keyword, String path)
            throws RuleException {
        List<Object> parts = new ArrayList<>(s.parts());
        if (s.hasPlaceholders()) {
            throw new RuleException(path, "unresolved placeholder in '" + s + "' (use the 'expand' modifier)");
        }
        if (keyword) {
            if (parts.isEmpty() || parts.get(0) != SigmaValue.Wildcard.MULTI) parts.add(0, SigmaValue.Wildcard.MULTI);
            if (parts.get(parts.size() - 1) != SigmaValue.Wildcard.MULTI) parts.add(SigmaValue.Wildcard.MULTI);
        }
        // collapse runs of '*'
        List<Object> p = new ArrayList<>(parts.size());
        for (Object o : parts) {
            if (o == SigmaValue.Wildcard.MULTI && !p.isEmpty() && p.get(p.size() - 1) == SigmaValue.Wildcard.MULTI)
                continue;
            p.add(o);
        }
        boolean cased = s.cased();
        int n = p.size();
        if (n == 0) return new Leaf.Str(field, name, Leaf.Op.EQ, "", cased);
        boolean single = p.contains(SigmaValue.Wildcard.SINGLE);
        if (!single) {
            if (n == 1 && p.get(0) instanceof String lit) return new Leaf.Str(field, name, Leaf.Op.EQ, lit, cased);
            if (n == 1) return new Leaf.Str(field, name, Leaf.Op.ANY_VALUE, "", cased);
            if (n == 2 && p.get(0) instanceof String lit) return new Leaf.Str(field, name, Leaf.Op.PREFIX, lit, cased);
            if (n == 2 && p.get(1) instanceof String lit) return new Leaf.Str(field, name, Leaf.Op.SUFFIX, lit, cased);
            if (n == 3 && p.get(1) instanceof String lit)
                return new Leaf.Str(field, name, Leaf.Op.CONTAINS, lit, cased);
        }
        return new Leaf.Glob(field, name, p, cased, s.toString());
    }

    static Node and(List<Node> ops) {
        List<Node> flat = new ArrayList<>();
        for (Node n : ops) {
            if (n instanceof Node.And a) flat.addAll(List.of(a.ops));
            else flat.add(n);
        }
        return flat.size() == 1 ? flat.get(0) : new Node.And(flat.toArray(new Node[0]));
    }

    static Node or(List<Node> ops) {
        List<Node> flat = new ArrayList<>();
        for (Node n : ops) {
            if (n instanceof Node.Or o) flat.addAll(List.of(o.ops));
            else flat.add(n);
        }
        return flat.size() == 1 ? flat.get(0) : new Node.Or(flat.toArray(new Node[0]));
    }
}
