package dev.vigil.engine.rule;

import dev.vigil.engine.Logsource;
import dev.vigil.engine.RuleInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one loaded YAML document into a {@link SigmaRule}, {@link SigmaFilter} or {@link CorrelationRule}, or refuses
 * it with a {@link RuleException} naming the YAML path and the reason. Structure follows the Sigma rules
 * specification v2 (detection rules), the filters specification and the correlation rules specification.
 */
public final class RuleParser {
    private static final Set<String> LEVELS = Set.of("informational", "low", "medium", "high", "critical");
    private static final Set<String> STATUSES = Set.of("stable", "test", "experimental", "deprecated", "unsupported");
    private static final Set<String> CORRELATION_TYPES = Set.of(
            "event_count",
            "value_count",
            "temporal",
            "temporal_ordered",
            "value_sum",
            "value_avg",
            "value_percentile",
            "value_median");
    private static final Pattern TIMESPAN = Pattern.compile("\\d+[smhdwMy]");

    private final Placeholders placeholders;

    public RuleParser(Placeholders placeholders) {
        this.placeholders = placeholders == null ? Placeholders.NONE : placeholders;
    }

    /** What a document is. */
    public enum Kind {
        RULE,
        FILTER,
        CORRELATION
    }

    /** Classifies a document; throws when it is none of the three. */
    public static Kind kind(Map<String, Object> doc) throws RuleException {
        if (doc.containsKey("correlation")) return Kind.CORRELATION;
        if (doc.containsKey("filter") && !doc.containsKey("detection")) return Kind.FILTER;
        if (doc.containsKey("detection")) return Kind.RULE;
        throw new RuleException("", "not a Sigma rule: no 'detection', 'filter' or 'correlation' section");
    }

    /** The document's {@code id} as text, or null (for refusals before anything else is known). */
    public static String idOf(Map<String, Object> doc) {
        Object id = doc.get("id");
        return id == null || !plain(id) ? null : String.valueOf(id);
    }

    public SigmaRule parseRule(Map<String, Object> doc, String file) throws RuleException {
        RuleInfo info = info(doc, file, true);
        Object det = doc.get("detection");
        if (!(det instanceof Map<?, ?> detMap)) throw new RuleException("detection", "'detection' must be a map");
        DetectionDef d = detection(detMap, "detection", Set.of("condition", "timeframe"));
        return new SigmaRule(info, d, doc);
    }

    public SigmaFilter parseFilter(Map<String, Object> doc, String file) throws RuleException {
        if (!plain(doc.get("id"))) throw new RuleException("id", "'id' must be a single value");
        String title = string(doc, "title", true);
        Logsource ls = logsource(doc, true);
        Object f = doc.get("filter");
        if (!(f instanceof Map<?, ?> fm)) throw new RuleException("filter", "'filter' must be a map");
        Object rules = fm.get("rules");
        List<String> refs = new ArrayList<>();
        boolean any = false;
        if (rules == null) {
            throw new RuleException("filter.rules", "a filter needs 'rules' (rule ids or names, or 'any')");
        } else if (rules instanceof String s) {
            if (s.equalsIgnoreCase("any") || s.equalsIgnoreCase("all")) any = true;
            else refs.add(s);
        } else if (rules instanceof List<?> list) {
            for (Object o : list) {
                if (o == null || !plain(o)) {
                    throw new RuleException("filter.rules", "rule references must be ids or names");
                }
                refs.add(String.valueOf(o));
            }
            any = refs.isEmpty();
        } else {
            throw new RuleException("filter.rules", "'rules' must be a rule id/name, a list of them, or 'any'");
        }
        Object cond = fm.get("condition");
        if (!(cond instanceof String)) {
            throw new RuleException("filter.condition", "a filter needs exactly one condition string");
        }
        DetectionDef d = detection(fm, "filter", Set.of("condition", "rules"));
        return new SigmaFilter(idOf(doc), title, file, ls, refs, any, d, doc);
    }

    public CorrelationRule parseCorrelation(Map<String, Object> doc, String file) throws RuleException {
        RuleInfo info = info(doc, file, false);
        Object c = doc.get("correlation");
        if (!(c instanceof Map<?, ?> cm)) throw new RuleException("correlation", "'correlation' must be a map");
        Object type = cm.get("type");
        if (!(type instanceof String t) || !CORRELATION_TYPES.contains(t)) {
            throw new RuleException(
                    "correlation.type",
                    "unknown correlation type '" + type + "' (one of "
                            + String.join(", ", new java.util.TreeSet<>(CORRELATION_TYPES)) + ")");
        }
        List<String> rules = stringList(cm.get("rules"), "correlation.rules");
        if (rules.isEmpty()) throw new RuleException("correlation.rules", "a correlation must reference rules");
        List<String> groupBy = stringList(cm.get("group-by"), "correlation.group-by");
        Object ts = cm.get("timespan");
        if (ts == null) ts = cm.get("timeframe");
        if (!(ts instanceof String span) || !TIMESPAN.matcher(span).matches()) {
            throw new RuleException(
                    "correlation.timespan", "a correlation needs a timespan like 5m, 1h, 2d (got '" + ts + "')");
        }
        Object cond = cm.get("condition");
        if (cond != null && !(cond instanceof Map)) {
            throw new RuleException("correlation.condition", "'condition' must be a map such as {gte: 10}");
        }
        if (cond == null && !t.startsWith("temporal")) {
            throw new RuleException("correlation.condition", "a " + t + " correlation needs a condition");
        }
        Object aliases = cm.get("aliases");
        if (aliases != null && !(aliases instanceof Map)) {
            throw new RuleException("correlation.aliases", "'aliases' must be a map");
        }
        Object generate = cm.containsKey("generate") ? cm.get("generate") : doc.get("generate");
        return new CorrelationRule(
                info.id(),
                info.name(),
                info.title(),
                file,
                info.level(),
                info.status(),
                info.tags(),
                t,
                rules,
                groupBy,
                span,
                copyMap(cond),
                copyMap(aliases),
                Boolean.TRUE.equals(generate),
                doc);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyMap(Object o) {
        if (o == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Whether a YAML value is a single plain value (string, number, boolean): not a map, list, set ({@code !!set}) or
     * binary ({@code !!binary}), whose text would be Java's ({@code [B@1b6d3586}).
     */
    static boolean plain(Object v) {
        return !(v instanceof Map || v instanceof java.util.Collection || v instanceof byte[]);
    }

    private RuleInfo info(Map<String, Object> doc, String file, boolean needLogsource) throws RuleException {
        if (!plain(doc.get("id"))) throw new RuleException("id", "'id' must be a single value");
        String title = string(doc, "title", true);
        String level = string(doc, "level", false);
        if (level != null) {
            level = level.toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) throw new RuleException("level", "unknown level '" + level + "'");
        }
        String status = string(doc, "status", false);
        if (status != null) {
            status = status.toLowerCase(Locale.ROOT);
            if (!STATUSES.contains(status)) throw new RuleException("status", "unknown status '" + status + "'");
        }
        Logsource ls = logsource(doc, needLogsource);
        return new RuleInfo(
                idOf(doc),
                string(doc, "name", false),
                title,
                string(doc, "description", false),
                level,
                status,
                stringList(doc.get("tags"), "tags"),
                ls,
                file,
                string(doc, "author", false),
                stringList(doc.get("references"), "references"),
                stringList(doc.get("falsepositives"), "falsepositives"),
                string(doc, "date", false),
                string(doc, "modified", false));
    }

    private static Logsource logsource(Map<String, Object> doc, boolean required) throws RuleException {
        Object ls = doc.get("logsource");
        if (ls == null) {
            if (required) throw new RuleException("logsource", "missing 'logsource'");
            return Logsource.ANY;
        }
        if (!(ls instanceof Map<?, ?> m)) throw new RuleException("logsource", "'logsource' must be a map");
        return new Logsource(lsValue(m, "product"), lsValue(m, "category"), lsValue(m, "service"));
    }

    private static String lsValue(Map<?, ?> m, String key) throws RuleException {
        Object v = m.get(key);
        if (v == null) return null;
        if (!plain(v)) {
            throw new RuleException("logsource." + key, "'" + key + "' must be a single value");
        }
        return String.valueOf(v).toLowerCase(Locale.ROOT);
    }

    private static String string(Map<String, Object> doc, String key, boolean required) throws RuleException {
        Object v = doc.get(key);
        if (v == null) {
            if (required) throw new RuleException(key, "missing '" + key + "'");
            return null;
        }
        if (!plain(v)) throw new RuleException(key, "'" + key + "' must be a single value");
        String s = String.valueOf(v);
        if (required && s.isBlank()) throw new RuleException(key, "'" + key + "' is empty");
        return s;
    }

    private static List<String> stringList(Object v, String path) throws RuleException {
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o == null) continue;
                if (!plain(o)) throw new RuleException(path, "'" + path + "' must list plain values");
                out.add(String.valueOf(o));
            }
        } else if (!plain(v)) {
            throw new RuleException(path, "'" + path + "' must be a list");
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }

    /** Parses a detection (or filter) section; {@code reserved} keys are not search identifiers. */
    DetectionDef detection(Map<?, ?> det, String base, Set<String> reserved) throws RuleException {
        Map<String, Selection> ids = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : det.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (reserved.contains(name)) continue;
            checkVisible(name, "search identifier", base + "." + name);
            ids.put(name, selection(e.getValue(), base + "." + name));
        }
        if (ids.isEmpty()) throw new RuleException(base, "no search identifiers");
        Object cond = det.get("condition");
        List<String> texts = new ArrayList<>();
        if (cond instanceof String s) {
            texts.add(s);
        } else if (cond instanceof List<?> list && !list.isEmpty()) {
            for (Object o : list) {
                if (!(o instanceof String s))
                    throw new RuleException(base + ".condition", "conditions must be strings");
                texts.add(s);
            }
        } else {
            throw new RuleException(
                    base + ".condition",
                    cond == null ? "missing 'condition'" : "'condition' must be a string or a list of strings");
        }
        List<Condition> conds = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String path = base + ".condition" + (texts.size() > 1 ? "[" + i + "]" : "");
            Condition c = ConditionParser.parse(texts.get(i), path);
            checkReferences(c, ids, path);
            conds.add(c);
        }
        return new DetectionDef(ids, conds, texts);
    }

    private static void checkReferences(Condition c, Map<String, Selection> ids, String path) throws RuleException {
        switch (c) {
            case Condition.And a -> {
                for (Condition o : a.operands()) checkReferences(o, ids, path);
            }
            case Condition.Or o -> {
                for (Condition x : o.operands()) checkReferences(x, ids, path);
            }
            case Condition.Not n -> checkReferences(n.operand(), ids, path);
            case Condition.Ref r -> {
                if (!ids.containsKey(r.name())) {
                    throw new RuleException(path, "condition references unknown search identifier '" + r.name() + "'");
                }
            }
            case Condition.Of of -> {
                if (resolve(of.pattern(), ids.keySet()).isEmpty()) {
                    throw new RuleException(
                            path, "'" + Modifiers.abbreviate(of.pattern()) + "' matches no search identifier");
                }
            }
        }
    }

    /** The identifiers an {@code x of} pattern covers, in definition order. */
    public static List<String> resolve(String pattern, java.util.Collection<String> identifiers) {
        List<String> out = new ArrayList<>();
        boolean them = pattern.equals("them");
        for (String id : identifiers) {
            if (them ? !id.startsWith("_") : globMatches(pattern, id)) out.add(id);
        }
        return out;
    }

    /**
     * Identifier pattern match: {@code *} is any run of characters, everything else literal. Greedy with a single
     * backtrack point (the last {@code *}), so O(pattern × name): the recursive form was exponential in the number of
     * stars ({@code *a*a*a*a*a*a*a*a*a*a*a*b} against a long identifier never finished).
     */
    static boolean globMatches(String p, String s) {
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') pi++;
        return pi == p.length();
    }

    /**
     * Refuses a name with a character that is invisible or not text: controls (NUL, tab, newline), format characters
     * (zero-width space and joiners, bidi overrides, soft hyphen), separators other than the space, lone surrogates.
     * A field {@code Image\u200b} or an identifier that only looks like the one the condition names would silently
     * never match. Values are not checked: matching such characters in events is legitimate (e.g. a right-to-left
     * override in a file name).
     */
    static void checkVisible(String name, String what, String path) throws RuleException {
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int type = Character.getType(cp);
            boolean bad = type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE
                    || (type == Character.SPACE_SEPARATOR && cp != ' ');
            if (bad) {
                throw new RuleException(
                        Modifiers.abbreviate(path),
                        what + " contains the invisible or control character " + String.format("U+%04X", cp)
                                + " at position " + (i + 1) + " (a name that only looks like another never matches)");
            }
            i += Character.charCount(cp);
        }
    }

    private Selection selection(Object v, String path) throws RuleException {
        if (v == null) throw new RuleException(path, "empty search identifier");
        if (v instanceof Map<?, ?> m) return allOf(m, path);
        if (v instanceof List<?> list) {
            if (list.isEmpty()) throw new RuleException(path, "empty search identifier");
            boolean maps = list.get(0) instanceof Map;
            for (Object o : list) {
                if ((o instanceof Map) != maps) {
                    throw new RuleException(path, "a search identifier list mixes maps and plain values");
                }
                if (o instanceof List)
                    throw new RuleException(path, "nested lists are not allowed in a search identifier");
            }
            if (!maps) {
                return new Selection.AllOf(List.of(item(null, List.of(), list, path)));
            }
            List<Selection> alts = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) alts.add(allOf((Map<?, ?>) list.get(i), path + "[" + i + "]"));
            return alts.size() == 1 ? alts.get(0) : new Selection.AnyOf(alts);
        }
        // a single plain value: one keyword
        return new Selection.AllOf(List.of(item(null, List.of(), List.of(v), path)));
    }

    private Selection.AllOf allOf(Map<?, ?> m, String path) throws RuleException {
        if (m.isEmpty()) throw new RuleException(path, "empty map in search identifier");
        List<Selection.FieldItem> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object rawKey = e.getKey();
            if (rawKey instanceof Map || rawKey instanceof java.util.Collection || rawKey instanceof byte[]) {
                throw new RuleException(
                        path, "a field name must be a plain value, not a YAML collection or binary (!!binary)");
            }
            String key = String.valueOf(rawKey);
            String itemPath = path + "." + key;
            checkVisible(key, "field name", itemPath);
            String[] parts = key.split("\\|", -1);
            String field = parts[0].isEmpty() ? null : parts[0];
            List<String> mods = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) mods.add(Modifiers.canonical(parts[i]));
            Object value = e.getValue();
            List<?> values = value instanceof List<?> l ? l : java.util.Collections.singletonList(value);
            items.add(item(field, mods, values, itemPath));
        }
        return new Selection.AllOf(items);
    }

    private Selection.FieldItem item(String field, List<String> mods, List<?> rawValues, String path)
            throws RuleException {
        Modifiers.validate(mods, field == null, path);
        if (rawValues.isEmpty()) throw new RuleException(path, "empty value list");
        boolean all = mods.contains("all");
        if (all && rawValues.size() < 2) {
            throw new RuleException(
                    path, "'all' needs a list of at least two values (Sigma: single values may not" + " use 'all')");
        }
        List<SigmaValue> values = new ArrayList<>(rawValues.size());
        for (int i = 0; i < rawValues.size(); i++) {
            String vp = rawValues.size() > 1 ? path + "[" + i + "]" : path;
            Object raw = rawValues.get(i);
            if (raw instanceof List) throw new RuleException(vp, "nested lists are not allowed as values");
            if (field == null && raw == null) throw new RuleException(vp, "a keyword cannot be null");
            values.add(Modifiers.apply(raw, mods, placeholders, vp));
        }
        return new Selection.FieldItem(field, mods, all, mods.contains("neq"), values, path);
    }
}
