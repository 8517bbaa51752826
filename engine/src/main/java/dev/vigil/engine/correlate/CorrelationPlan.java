package dev.vigil.engine.correlate;

import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.rule.CorrelationRule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The correlation rules of a rule set, compiled: semantics checked, references resolved, aliases applied, chains
 * ordered. Stateless and immutable; a {@link Correlator} runs it. Built by {@link #compile} (called from {@code
 * RuleSet.compile}). A rule that cannot be compiled becomes a {@link Refusal} with a specific reason.
 *
 * <h2>Spec choices (Sigma correlation rules specification v2.1; pySigma and rsigma where it is vague)</h2>
 *
 * <ul>
 *   <li><b>References</b> by {@code id} or {@code name}, to detection rules or to other correlation rules
 *       (chaining). An unknown, ambiguous (two rules share the name) or refused reference refuses the correlation;
 *       so does a reference cycle and a rule listed twice.
 *   <li><b>timespan</b> {@code <n>s|m|h|d} as the spec says, plus {@code w} (7 d) as pySigma; {@code M} and {@code
 *       y} are refused (not fixed durations). Zero is refused.
 *   <li><b>condition</b>: one or more of {@code gt gte lt lte eq neq} (several are AND-ed, the spec's range form),
 *       integer or decimal thresholds. {@code field} (a name, or for {@code value_count} a list forming a tuple) is
 *       required by {@code value_count} and the numeric types and refused elsewhere. {@code percentile} (0–100) is
 *       required by {@code value_percentile} (pySigma's key; rsigma would default to 50 — we refuse rather than
 *       guess) and refused elsewhere. Unknown keys are refused.
 *   <li><b>temporal / temporal_ordered</b> without a condition: {@code gte: <number of rules>} (pySigma). The value
 *       compared is the number of distinct referenced rules with a detection in the window; for {@code
 *       temporal_ordered} the length of the longest chain of distinct referenced rules whose detections occur in
 *       listed order (strict event-time order, ties broken by arrival).
 *   <li><b>group-by</b> absent: one global group. A detection lacking a group-by field is not counted (as SQL/Splunk
 *       {@code stats … by} drop null groups) and is counted in {@link CorrelationStats#missingGroupBy()}. A field
 *       with several values groups by its first.
 *   <li><b>aliases</b> {@code alias: {rule id-or-name: field}}: a {@code group-by} entry (and a condition {@code
 *       field}) naming an alias resolves per referenced rule; a referenced rule the alias does not map uses the alias
 *       name itself as its field. An alias mapping a rule the correlation does not reference is refused.
 *   <li><b>generate</b> (default false, as the spec and pySigma): a referenced rule's own detections are emitted only
 *       when at least one correlation referencing it sets {@code generate: true}; otherwise they feed correlation
 *       only. This applies to referenced correlation rules too (the spec's chaining example only emits the outer
 *       rule).
 * </ul>
 */
public final class CorrelationPlan {
    private static final Pattern TIMESPAN = Pattern.compile("(\\d{1,9})([smhdw])");
    private static final CorrelationPlan EMPTY =
            new CorrelationPlan(List.of(), 0, new int[0][], new boolean[0], List.of(), Map.of());

    final List<CompiledCorrelation> correlations;
    final int baseCount;
    /** Node → consumers as pairs (correlation index, position in its rules list). Base rules are nodes 0..n-1. */
    final int[][] consumers;

    final boolean[] emitBase;
    private final List<Refusal> refusals;
    final Map<String, Integer> nodeByRuleId;

    private CorrelationPlan(
            List<CompiledCorrelation> correlations,
            int baseCount,
            int[][] consumers,
            boolean[] emitBase,
            List<Refusal> refusals,
            Map<String, Integer> nodeByRuleId) {
        this.correlations = List.copyOf(correlations);
        this.baseCount = baseCount;
        this.consumers = consumers;
        this.emitBase = emitBase;
        this.refusals = List.copyOf(refusals);
        this.nodeByRuleId = nodeByRuleId;
    }

    /** A plan without correlation rules. */
    public static CorrelationPlan empty() {
        return EMPTY;
    }

    /** Number of compiled correlation rules. */
    public int size() {
        return correlations.size();
    }

    public boolean isEmpty() {
        return correlations.isEmpty();
    }

    /** Correlation rules that could not be compiled. */
    public List<Refusal> refusals() {
        return refusals;
    }

    /** The compiled correlation rules as loaded, in load order. */
    public List<CorrelationRule> rules() {
        List<CorrelationRule> out = new ArrayList<>(correlations.size());
        for (CompiledCorrelation c : correlations) out.add(c.rule);
        return out;
    }

    /** Whether detections of base rule {@code ruleIndex} are emitted (false when only correlations consume them). */
    public boolean emits(int ruleIndex) {
        return ruleIndex >= emitBase.length || emitBase[ruleIndex];
    }

    /** Whether any correlation consumes detections of base rule {@code ruleIndex}. */
    public boolean consumes(int ruleIndex) {
        return ruleIndex < consumers.length && consumers[ruleIndex].length > 0;
    }

    /** Compiles correlation rules against the base rules of a rule set (rule index {@code i} = {@code base.get(i)}). */
    public static CorrelationPlan compile(List<CorrelationRule> rules, List<RuleInfo> base) {
        int nb = base.size();
        int nc = rules.size();
        List<Refusal> refusals = new ArrayList<>();
        String[] refused = new String[nc];
        Parsed[] parsed = new Parsed[nc];
        for (int i = 0; i < nc; i++) {
            try {
                parsed[i] = parse(rules.get(i));
            } catch (Reject r) {
                refused[i] = r.path + ": " + r.getMessage();
                refusals.add(refusal(rules.get(i), r.path, r.getMessage()));
            }
        }
        // Names → nodes. A key naming two different nodes is ambiguous.
        Map<String, Integer> byKey = new HashMap<>();
        Map<String, Boolean> ambiguous = new HashMap<>();
        for (int i = 0; i < nb; i++) {
            index(byKey, ambiguous, base.get(i).id(), i);
            index(byKey, ambiguous, base.get(i).name(), i);
        }
        for (int i = 0; i < nc; i++) {
            index(byKey, ambiguous, rules.get(i).id(), nb + i);
            index(byKey, ambiguous, rules.get(i).name(), nb + i);
        }
        int[][] sourceNodes = new int[nc][];
        for (int i = 0; i < nc; i++) {
            if (refused[i] != null) continue;
            List<String> refs = rules.get(i).rules();
            int[] nodes = new int[refs.size()];
            for (int k = 0; k < refs.size(); k++) {
                String ref = refs.get(k);
                Integer node = byKey.get(ref);
                String why = null;
                if (node == null) why = "references rule '" + ref + "', which is not loaded (unknown, or refused)";
                else if (ambiguous.containsKey(ref)) why = "reference '" + ref + "' is ambiguous: several rules use it";
                else if (node == nb + i) why = "references itself";
                else {
                    for (int j = 0; j < k; j++) {
                        if (nodes[j] == node) why = "references rule '" + ref + "' twice";
                    }
                }
                if (why != null) {
                    refused[i] = why;
                    refusals.add(refusal(rules.get(i), "correlation.rules[" + k + "]", why));
                    break;
                }
                nodes[k] = node;
            }
            sourceNodes[i] = nodes;
            if (refused[i] == null) {
                String why = aliasError(parsed[i].aliases, rules.get(i).rules(), nodes, nb, base, rules);
                if (why != null) {
                    refused[i] = why;
                    refusals.add(refusal(rules.get(i), "correlation.aliases", why));
                }
            }
        }
        // Refuse correlations that reference refused ones, to a fixpoint; then cycles.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < nc; i++) {
                if (refused[i] != null) continue;
                for (int node : sourceNodes[i]) {
                    if (node >= nb && refused[node - nb] != null) {
                        refused[i] = "references a refused correlation rule";
                        refusals.add(refusal(
                                rules.get(i),
                                "correlation.rules",
                                "references correlation rule '"
                                        + rules.get(node - nb).ref() + "', which was refused"));
                        changed = true;
                        break;
                    }
                }
            }
        }
        int[] color = new int[nc];
        for (int i = 0; i < nc; i++) {
            if (refused[i] == null && color[i] == 0) {
                List<Integer> cycle = findCycle(i, sourceNodes, refused, nb, color, new ArrayList<>());
                if (cycle != null) {
                    StringBuilder names = new StringBuilder();
                    for (int c : cycle)
                        names.append(names.isEmpty() ? "" : " -> ")
                                .append(rules.get(c).ref());
                    for (int c : cycle) {
                        if (refused[c] == null) {
                            refused[c] = "cycle";
                            refusals.add(refusal(
                                    rules.get(c),
                                    "correlation.rules",
                                    "correlation rules reference each other in a cycle: " + names));
                        }
                    }
                }
            }
        }
        // Dependants of cycle members are refused too.
        changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < nc; i++) {
                if (refused[i] != null) continue;
                for (int node : sourceNodes[i]) {
                    if (node >= nb && refused[node - nb] != null) {
                        refused[i] = "references a refused correlation rule";
                        refusals.add(refusal(
                                rules.get(i),
                                "correlation.rules",
                                "references correlation rule '"
                                        + rules.get(node - nb).ref() + "', which was refused"));
                        changed = true;
                        break;
                    }
                }
            }
        }
        // Final indices of accepted correlations, in load order.
        int[] finalIndex = new int[nc];
        int accepted = 0;
        for (int i = 0; i < nc; i++) finalIndex[i] = refused[i] == null ? accepted++ : -1;
        List<CompiledCorrelation> out = new ArrayList<>(accepted);
        for (int i = 0; i < nc; i++) {
            if (refused[i] == null)
                out.add(build(finalIndex[i], rules.get(i), parsed[i], sourceNodes[i], nb, finalIndex, base, rules));
        }
        // One array per distinct group-by field list, so the correlator computes a detection's key once per list.
        Map<List<String>, String[]> canonical = new HashMap<>();
        for (CompiledCorrelation c : out) {
            for (int k = 0; k < c.groupFields.length; k++) {
                c.groupFields[k] = canonical.computeIfAbsent(List.of(c.groupFields[k]), l -> l.toArray(String[]::new));
            }
        }
        // Consumers and emission.
        List<List<int[]>> cons = new ArrayList<>(nb + out.size());
        for (int i = 0; i < nb + out.size(); i++) cons.add(new ArrayList<>(1));
        boolean[] anyGenerate = new boolean[nb + out.size()];
        boolean[] referenced = new boolean[nb + out.size()];
        for (CompiledCorrelation c : out) {
            for (int p = 0; p < c.sources.length; p++) {
                int node = c.sources[p];
                cons.get(node).add(new int[] {c.index, p});
                referenced[node] = true;
                if (c.generate) anyGenerate[node] = true;
            }
        }
        int[][] consumers = new int[cons.size()][];
        for (int n = 0; n < cons.size(); n++) {
            List<int[]> l = cons.get(n);
            int[] flat = new int[l.size() * 2];
            for (int k = 0; k < l.size(); k++) {
                flat[2 * k] = l.get(k)[0];
                flat[2 * k + 1] = l.get(k)[1];
            }
            consumers[n] = flat;
        }
        boolean[] emitBase = new boolean[nb];
        for (int b = 0; b < nb; b++) emitBase[b] = !referenced[b] || anyGenerate[b];
        for (CompiledCorrelation c : out) {
            int node = nb + c.index;
            c.emit = !referenced[node] || anyGenerate[node];
        }
        Map<String, Integer> byRuleId = new HashMap<>();
        for (int b = 0; b < nb; b++) byRuleId.putIfAbsent(base.get(b).ref(), b);
        for (CompiledCorrelation c : out) byRuleId.putIfAbsent(c.ref, nb + c.index);
        return new CorrelationPlan(out, nb, consumers, emitBase, refusals, byRuleId);
    }

    private static void index(Map<String, Integer> byKey, Map<String, Boolean> ambiguous, String key, int node) {
        if (key == null) return;
        Integer prev = byKey.putIfAbsent(key, node);
        if (prev != null && prev != node) ambiguous.put(key, Boolean.TRUE);
    }

    private static List<Integer> findCycle(
            int i, int[][] sources, String[] refused, int nb, int[] color, List<Integer> path) {
        color[i] = 1;
        path.add(i);
        for (int node : sources[i]) {
            if (node < nb) continue;
            int j = node - nb;
            if (refused[j] != null) continue;
            if (color[j] == 1) return new ArrayList<>(path.subList(path.indexOf(j), path.size()));
            if (color[j] == 0) {
                List<Integer> c = findCycle(j, sources, refused, nb, color, path);
                if (c != null) return c;
            }
        }
        path.remove(path.size() - 1);
        color[i] = 2;
        return null;
    }

    private static Refusal refusal(CorrelationRule r, String path, String reason) {
        return new Refusal(r.file(), r.id() == null ? (r.name() == null ? "-" : r.name()) : r.id(), path, reason);
    }

    /** A semantic error: YAML path and reason. */
    private static final class Reject extends Exception {
        final String path;

        Reject(String path, String reason) {
            super(reason, null, false, false);
            this.path = path;
        }
    }

    /** The parts of a rule that do not depend on other rules. */
    private record Parsed(
            CorrelationType type,
            long spanMillis,
            CompiledCorrelation.Op[] ops,
            double[] thresholds,
            double percentile,
            List<String> valueFields,
            Map<String, Map<String, String>> aliases) {}

    private static Parsed parse(CorrelationRule r) throws Reject {
        CorrelationType type = CorrelationType.of(r.type());
        if (type == null) throw new Reject("correlation.type", "unknown correlation type '" + r.type() + "'");
        long span = timespan(r.timespan());
        List<CompiledCorrelation.Op> ops = new ArrayList<>();
        List<Double> thresholds = new ArrayList<>();
        List<String> fields = List.of();
        double percentile = Double.NaN;
        Map<String, Object> cond = r.condition();
        if (cond == null || cond.isEmpty()) {
            if (!type.temporal())
                throw new Reject("correlation.condition", "a " + r.type() + " correlation needs a condition");
            ops.add(CompiledCorrelation.Op.GTE);
            thresholds.add((double) r.rules().size());
        } else {
            for (Map.Entry<String, Object> e : cond.entrySet()) {
                String k = e.getKey();
                String path = "correlation.condition." + k;
                CompiledCorrelation.Op op = CompiledCorrelation.Op.of(k);
                if (op != null) {
                    ops.add(op);
                    thresholds.add(number(e.getValue(), path));
                } else if (k.equals("field")) {
                    fields = fieldList(e.getValue(), path);
                } else if (k.equals("percentile")) {
                    percentile = number(e.getValue(), path);
                    if (percentile < 0 || percentile > 100)
                        throw new Reject(path, "percentile must be between 0 and 100");
                } else {
                    throw new Reject(
                            path, "unknown condition key '" + k + "' (gt, gte, lt, lte, eq, neq, field, percentile)");
                }
            }
            if (ops.isEmpty()) {
                if (!type.temporal()) {
                    throw new Reject(
                            "correlation.condition", "the condition needs a comparison (gt, gte, lt, lte, eq or neq)");
                }
                ops.add(CompiledCorrelation.Op.GTE);
                thresholds.add((double) r.rules().size());
            }
        }
        boolean needsField = type == CorrelationType.VALUE_COUNT || type.numeric();
        if (needsField && fields.isEmpty()) {
            throw new Reject("correlation.condition.field", "a " + r.type() + " correlation needs condition.field");
        }
        if (!needsField && !fields.isEmpty()) {
            throw new Reject("correlation.condition.field", "a " + r.type() + " correlation takes no condition.field");
        }
        if (type.numeric() && fields.size() != 1) {
            throw new Reject(
                    "correlation.condition.field", "a " + r.type() + " correlation aggregates exactly one field");
        }
        if (type == CorrelationType.VALUE_PERCENTILE && Double.isNaN(percentile)) {
            throw new Reject(
                    "correlation.condition.percentile",
                    "a value_percentile correlation needs condition.percentile (0-100): which percentile to compare");
        }
        if (type != CorrelationType.VALUE_PERCENTILE && !Double.isNaN(percentile)) {
            throw new Reject("correlation.condition.percentile", "only value_percentile takes a percentile");
        }
        if (type == CorrelationType.VALUE_MEDIAN) percentile = 50;
        Map<String, Map<String, String>> aliases = new LinkedHashMap<>();
        if (r.aliases() != null) {
            for (Map.Entry<String, Object> e : r.aliases().entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new Reject("correlation.aliases." + e.getKey(), "an alias maps rule names to field names");
                }
                Map<String, String> mm = new LinkedHashMap<>();
                for (Map.Entry<?, ?> x : m.entrySet()) {
                    if (!(x.getValue() instanceof String f) || f.isEmpty()) {
                        throw new Reject(
                                "correlation.aliases." + e.getKey() + "." + x.getKey(),
                                "the field name must be a string");
                    }
                    mm.put(String.valueOf(x.getKey()), f);
                }
                aliases.put(e.getKey(), mm);
            }
        }
        Object gen = r.raw() == null ? null : generateValue(r.raw());
        if (gen != null && !(gen instanceof Boolean)) {
            throw new Reject("correlation.generate", "generate must be true or false");
        }
        double[] t = new double[thresholds.size()];
        for (int i = 0; i < t.length; i++) t[i] = thresholds.get(i);
        return new Parsed(type, span, ops.toArray(CompiledCorrelation.Op[]::new), t, percentile, fields, aliases);
    }

    private static Object generateValue(Map<String, Object> raw) {
        Object c = raw.get("correlation");
        if (c instanceof Map<?, ?> m && m.containsKey("generate")) return m.get("generate");
        return raw.get("generate");
    }

    /** Milliseconds of a timespan such as {@code 5m}; throws IllegalArgumentException with the reason. */
    static long timespanMillis(String s) {
        try {
            return timespan(s);
        } catch (Reject r) {
            throw new IllegalArgumentException(r.getMessage());
        }
    }

    static long timespan(String s) throws Reject {
        Matcher m = s == null ? null : TIMESPAN.matcher(s);
        if (m == null || !m.matches()) {
            throw new Reject(
                    "correlation.timespan",
                    "timespan must be a number and one of s, m, h, d (or w) such as 5m, 1h, 2d; got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        if (n <= 0) throw new Reject("correlation.timespan", "timespan must be greater than zero");
        long unit = switch (m.group(2)) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> 604_800_000L;
        };
        return n * unit;
    }

    private static double number(Object v, String path) throws Reject {
        if (v instanceof Number n && !(v instanceof Float f && !Float.isFinite(f))) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) return d;
        }
        throw new Reject(path, "must be a number, got '" + v + "'");
    }

    private static List<String> fieldList(Object v, String path) throws Reject {
        if (v instanceof String s && !s.isEmpty()) return List.of(s);
        if (v instanceof List<?> l && !l.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof String s) || s.isEmpty()) throw new Reject(path, "field names must be strings");
                out.add(s);
            }
            return out;
        }
        throw new Reject(path, "must be a field name or a list of field names");
    }

    /** Why the aliases do not fit the referenced rules, or null. */
    private static String aliasError(
            Map<String, Map<String, String>> aliases,
            List<String> written,
            int[] nodes,
            int nb,
            List<RuleInfo> base,
            List<CorrelationRule> all) {
        for (Map.Entry<String, Map<String, String>> a : aliases.entrySet()) {
            for (String ruleRef : a.getValue().keySet()) {
                boolean found = false;
                for (int k = 0; k < nodes.length; k++) {
                    if (ruleRef.equals(written.get(k))
                            || ruleRef.equals(idOf(nodes[k], nb, base, all))
                            || ruleRef.equals(nameOf(nodes[k], nb, base, all))) {
                        found = true;
                    }
                }
                if (!found) {
                    return "alias '" + a.getKey() + "' maps rule '" + ruleRef
                            + "', which this correlation does not reference";
                }
            }
        }
        return null;
    }

    private static String idOf(int node, int nb, List<RuleInfo> base, List<CorrelationRule> all) {
        return node < nb ? base.get(node).id() : all.get(node - nb).id();
    }

    private static String nameOf(int node, int nb, List<RuleInfo> base, List<CorrelationRule> all) {
        return node < nb ? base.get(node).name() : all.get(node - nb).name();
    }

    private static CompiledCorrelation build(
            int index,
            CorrelationRule r,
            Parsed p,
            int[] sourceNodes,
            int nb,
            int[] finalIndex,
            List<RuleInfo> base,
            List<CorrelationRule> all) {
        int n = sourceNodes.length;
        int[] sources = new int[n];
        String[] ids = new String[n];
        String[] names = new String[n];
        for (int k = 0; k < n; k++) {
            int node = sourceNodes[k];
            sources[k] = node < nb ? node : nb + finalIndex[node - nb];
            ids[k] = idOf(node, nb, base, all);
            names[k] = nameOf(node, nb, base, all);
        }
        String[] groupNames = r.groupBy().toArray(String[]::new);
        String[][] groupFields = new String[n][groupNames.length];
        String[][] valueFields = new String[n][p.valueFields.size()];
        for (int k = 0; k < n; k++) {
            for (int g = 0; g < groupNames.length; g++) {
                groupFields[k][g] = resolve(
                        groupNames[g], p.aliases, ids[k], names[k], r.rules().get(k));
            }
            for (int f = 0; f < p.valueFields.size(); f++) {
                valueFields[k][f] = resolve(
                        p.valueFields.get(f),
                        p.aliases,
                        ids[k],
                        names[k],
                        r.rules().get(k));
            }
        }
        String ref = r.id() != null ? r.id() : r.name() != null ? r.name() : r.file() + "#" + r.title();
        return new CompiledCorrelation(
                index,
                r,
                ref,
                fingerprint(r),
                p.type,
                p.spanMillis,
                p.ops,
                p.thresholds,
                p.percentile,
                sources,
                r.rules().toArray(String[]::new),
                groupNames,
                groupFields,
                valueFields);
    }

    private static String resolve(
            String name, Map<String, Map<String, String>> aliases, String id, String ruleName, String written) {
        Map<String, String> a = aliases.get(name);
        if (a == null) return name;
        String f = id == null ? null : a.get(id);
        if (f == null && ruleName != null) f = a.get(ruleName);
        if (f == null) f = a.get(written);
        return f == null ? name : f;
    }

    /** A short hash of what determines a rule's state: type, references, group-by, timespan, condition, aliases. */
    private static String fingerprint(CorrelationRule r) {
        String canon = r.type() + "|" + r.rules() + "|" + r.groupBy() + "|" + r.timespan() + "|"
                + new java.util.TreeMap<>(r.condition() == null ? Map.of() : r.condition()) + "|"
                + (r.aliases() == null ? "" : r.aliases().toString());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canon.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(h, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
