package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.rule.CorrelationRule;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One correlation rule, checked and resolved: its type, window length, condition, the referenced rules as node
 * ids (in listed order) and, per referenced rule, the concrete event fields its {@code group-by} names and its
 * condition {@code field} resolve to after {@code aliases}. Immutable.
 */
final class CompiledCorrelation {
    enum Op {
        GT("gt"),
        GTE("gte"),
        LT("lt"),
        LTE("lte"),
        EQ("eq"),
        NEQ("neq");

        final String yaml;

        Op(String yaml) {
            this.yaml = yaml;
        }

        boolean test(double v, double x) {
            return switch (this) {
                case GT -> v > x;
                case GTE -> v >= x;
                case LT -> v < x;
                case LTE -> v <= x;
                case EQ -> v == x;
                case NEQ -> v != x;
            };
        }

        static Op of(String s) {
            for (Op o : values()) if (o.yaml.equals(s)) return o;
            return null;
        }
    }

    final int index;
    final CorrelationRule rule;
    final String ref;
    final String stateKey;
    final CorrelationType type;
    final long spanMillis;
    final Op[] ops;
    final double[] thresholds;
    final double percentile;
    /** Hits a count-like window keeps: enough to decide every comparison of the condition exactly. */
    final long keep;

    final int[] sources;
    final String[] sourceRefs;
    final String[] groupNames;
    final String[][] groupFields;
    final String[][] valueFields;
    final boolean generate;
    boolean emit = true;

    CompiledCorrelation(
            int index,
            CorrelationRule rule,
            String ref,
            String fingerprint,
            CorrelationType type,
            long spanMillis,
            Op[] ops,
            double[] thresholds,
            double percentile,
            int[] sources,
            String[] sourceRefs,
            String[] groupNames,
            String[][] groupFields,
            String[][] valueFields) {
        this.index = index;
        this.rule = rule;
        this.ref = ref;
        this.stateKey = ref + "#" + fingerprint;
        this.type = type;
        this.spanMillis = spanMillis;
        this.ops = ops;
        this.thresholds = thresholds;
        this.percentile = percentile;
        double max = 0;
        for (double t : thresholds) max = Math.max(max, t);
        this.keep = (long) Math.min(Math.floor(max) + 2, Long.MAX_VALUE / 2);
        this.sources = sources;
        this.sourceRefs = sourceRefs;
        this.groupNames = groupNames;
        this.groupFields = groupFields;
        this.valueFields = valueFields;
        this.generate = rule.generate();
    }

    boolean conditionHolds(double v) {
        for (int i = 0; i < ops.length; i++) {
            if (!ops[i].test(v, thresholds[i])) return false;
        }
        return true;
    }

    String conditionText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ops.length; i++) {
            if (i > 0) b.append(" and ");
            b.append(ops[i].yaml).append(' ').append(num(thresholds[i]));
        }
        return b.toString();
    }

    static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }

    /** The group key of a detection arriving through source {@code pos}, or null when a field is missing. */
    GroupKey groupKey(int pos, Detection d) {
        String[] fields = groupFields[pos];
        if (fields.length == 0) return GroupKey.GLOBAL;
        String[] values = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            String v = fieldText(d, fields[i]);
            if (v == null) return null;
            values[i] = v;
        }
        return GroupKey.wrap(values);
    }

    Map<String, String> groupMap(GroupKey key) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < groupNames.length; i++) m.put(groupNames[i], key.value(i));
        return m;
    }

    /**
     * A field's value as text: from a chained correlation firing's group key first, then from the event (its first
     * value when it has several); null when absent or JSON null.
     */
    static String fieldText(Detection d, String field) {
        CorrelationContext c = d.correlation();
        if (c != null) {
            String v = c.groupKey().get(field);
            if (v != null) return v;
        }
        Event e = d.event();
        return e == null ? null : e.getString(field);
    }

    /** The distinct-value key of a detection ({@code value_count}; several fields form a tuple), or null. */
    String distinctValue(int pos, Detection d) {
        String[] fields = valueFields[pos];
        if (fields.length == 1) return fieldText(d, fields[0]);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            String v = fieldText(d, fields[i]);
            if (v == null) return null;
            if (i > 0) b.append('\u0000');
            b.append(v);
        }
        return b.toString();
    }

    /** The numeric value of a detection (numeric types), or NaN when absent or not a finite number. */
    double numericValue(int pos, Detection d) {
        String field = valueFields[pos][0];
        Object v = null;
        CorrelationContext c = d.correlation();
        if (c != null) v = c.groupKey().get(field);
        if (v == null && d.event() != null) {
            v = d.event().get(field);
            if (v instanceof List<?> l) v = l.isEmpty() ? null : l.get(0);
        }
        double x;
        if (v instanceof Long l) x = l;
        else if (v instanceof Double dd) x = dd;
        else if (v instanceof BigInteger b) x = b.doubleValue();
        else if (v instanceof BigDecimal b) x = b.doubleValue();
        else if (v instanceof String s) {
            try {
                x = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        } else return Double.NaN;
        return Double.isFinite(x) ? x : Double.NaN;
    }
}
