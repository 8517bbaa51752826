package dev.vigil.engine.pipeline;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A pipeline defined in YAML. Keys (all optional except {@code name}):
 *
 * <pre>
 * name: windows-evtx
 * recognize: [Event.System.]          # for auto: fields (or prefixes ending in '.') this shape has
 * rename:                             # first matching entry wins; unmatched names stay
 *   - {prefix: Event.EventData., to: ''}
 *   - {prefix: Event.UserData., to: '', drop: 1}   # also drop one path segment after the prefix
 *   - {field: winlog.channel, to: Channel}
 *   - {field: Event.#attributes.xmlns, remove: true}
 * attributes: '#attributes'           # A.#attributes.B becomes A_B (Sigma's Windows convention)
 * text: '#text'                       # A.#text becomes A
 * strip_spaces: true                  # "Threat Name" becomes ThreatName (Sigma: field names without spaces)
 * timestamp: [TimeCreated_SystemTime] # first present field is the event time
 * hints: true                         # product/category/service fields in the event decide the logsource
 * include: [windows]                  # merge a built-in fragment's logsources and copies
 * copy: {SourceName: Provider_Name}   # always add an alias field (when absent)
 * logsources:                         # every matching entry adds to the event's logsource
 *   - when: {Channel: Security}       # field: value or [values], compared case-insensitively
 *     product: windows
 *     service: security
 *   - when: {Channel: Security, EventID: 4688}
 *     category: process_creation
 *     copy: {NewProcessName: Image}   # alias fields for this log source
 * </pre>
 */
final class YamlPipeline implements Pipeline {
    private static final int NAME_CACHE = 65_536;

    record Rename(String field, String prefix, String to, int drop, boolean remove) {}

    record Cond(String field, Set<String> values) {}

    record LsRule(
            List<Cond> when,
            String product,
            List<String> categories,
            List<String> services,
            Map<String, String> copy) {}

    private final String name;
    private final List<String> recognize;
    private final List<Rename> renames;
    private final String attributes;
    private final String text;
    private final boolean stripSpaces;
    private final List<String> timestamp;
    private final boolean hints;
    private final Map<String, String> copies;
    private final Map<String, List<LsRule>> byChannel;
    private final List<LsRule> unindexed;
    private final boolean hasTable;
    private final ConcurrentHashMap<String, String> nameCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hints, EventLogsource> hintCache = new ConcurrentHashMap<>();

    private YamlPipeline(
            String name,
            List<String> recognize,
            List<Rename> renames,
            String attributes,
            String text,
            boolean stripSpaces,
            List<String> timestamp,
            boolean hints,
            Map<String, String> copies,
            List<LsRule> logsources) {
        this.name = name;
        this.recognize = List.copyOf(recognize);
        this.renames = List.copyOf(renames);
        this.attributes = attributes;
        this.text = text;
        this.stripSpaces = stripSpaces;
        this.timestamp = List.copyOf(timestamp);
        this.hints = hints;
        this.copies = Map.copyOf(copies);
        Map<String, List<LsRule>> idx = new HashMap<>();
        List<LsRule> rest = new ArrayList<>();
        for (LsRule r : logsources) {
            Cond ch = null;
            for (Cond c : r.when()) if (c.field().equals("Channel")) ch = c;
            if (ch == null) {
                rest.add(r);
            } else {
                for (String v : ch.values())
                    idx.computeIfAbsent(v, k -> new ArrayList<>()).add(r);
            }
        }
        this.byChannel = idx;
        this.unindexed = rest;
        this.hasTable = !logsources.isEmpty();
    }

    @Override
    public String name() {
        return name;
    }

    List<String> recognize() {
        return recognize;
    }

    /**
     * What depends only on an input event's field names (by slot): the renaming, and the slots of the fields the
     * pipeline reads afterwards. Events of one source share a shape, so this is computed once per shape and found
     * again by comparing name references. Immutable.
     */
    private static final class Shape {
        final String[] names;
        final int hash;
        /** Names after renaming, or null when nothing is renamed or removed. */
        final String[] renamed;
        /** Source slot of each renamed slot. */
        final int[] from;
        /** Slots after renaming: last product/category/service (hints), first Channel, first timestamp field. */
        final int product;

        final int category;
        final int service;
        final int channel;
        final int timestamp;

        Shape(YamlPipeline p, Event e, int hash) {
            this.names = e.shape();
            this.hash = hash;
            int n = names.length;
            String[] mapped = new String[n];
            int[] from = new int[n];
            int kept = 0;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                String m = p.renames.isEmpty() && p.attributes == null && p.text == null && !p.stripSpaces
                        ? names[i]
                        : p.mapName(names[i]);
                if (m != names[i]) changed = true;
                if (m.isEmpty()) continue; // removed
                mapped[kept] = m;
                from[kept] = i;
                kept++;
            }
            String[] out = changed ? java.util.Arrays.copyOf(mapped, kept) : names;
            this.renamed = changed ? out : null;
            this.from = changed ? java.util.Arrays.copyOf(from, kept) : null;
            int pr = -1;
            int ca = -1;
            int se = -1;
            int ch = -1;
            for (int i = 0; i < out.length; i++) {
                switch (out[i]) {
                    case "product" -> pr = i;
                    case "category" -> ca = i;
                    case "service" -> se = i;
                    case "Channel" -> {
                        if (ch < 0) ch = i;
                    }
                    default -> {}
                }
            }
            this.product = pr;
            this.category = ca;
            this.service = se;
            this.channel = ch;
            int ts = -1;
            for (String t : p.timestamp) {
                for (int i = 0; i < out.length && ts < 0; i++) if (out[i].equals(t)) ts = i;
                if (ts >= 0) break;
            }
            this.timestamp = ts;
        }
    }

    private static final int SHAPES = 64;
    private final Shape[] shapes = new Shape[SHAPES];

    /** The last event's names array and its shape (racy, immutable). */
    private record Recent(String[] key, Shape shape) {}

    /** Events a reader parsed one after another with the same names share the array: one reference test finds it. */
    private Recent recent;

    private Shape shape(Event e) {
        Recent r = recent;
        String[] key = e.shape();
        if (r != null && r.key == key) return r.shape;
        Shape s = lookupShape(e);
        recent = new Recent(key, s);
        return s;
    }

    private Shape lookupShape(Event e) {
        int h = e.namesHash();
        int slot = (h ^ (h >>> 16)) & (SHAPES - 1);
        Shape s = shapes[slot];
        if (s != null && s.hash == h && e.sameNames(s.names)) return s;
        s = new Shape(this, e, h);
        shapes[slot] = s; // racy: entries are immutable (final fields), any thread may replace any slot
        return s;
    }

    @Override
    public Event apply(Event e) {
        if (e.pipeline() != null) return e;
        Shape sh = shape(e);
        Event ev = sh.renamed == null ? e : e.select(sh.renamed, sh.from);
        EventLogsource ls = hints ? fromHints(ev, sh) : null;
        Map<String, String> copy = copies;
        if (ls == null && hasTable) {
            String product = null;
            Set<String> cats = null;
            Set<String> svcs = null;
            Map<String, String> extra = null;
            List<LsRule> candidates = unindexed;
            String channel = sh.channel < 0 ? null : ev.text(sh.channel);
            if (channel != null) {
                List<LsRule> c = byChannel.get(channel.toLowerCase(Locale.ROOT));
                if (c != null) {
                    if (unindexed.isEmpty()) {
                        candidates = c;
                    } else {
                        candidates = new ArrayList<>(c);
                        candidates.addAll(unindexed);
                    }
                }
            }
            for (LsRule r : candidates) {
                if (!matches(r, ev)) continue;
                if (r.product() != null) product = r.product();
                if (!r.categories().isEmpty()) {
                    if (cats == null) cats = new LinkedHashSet<>();
                    cats.addAll(r.categories());
                }
                if (!r.services().isEmpty()) {
                    if (svcs == null) svcs = new LinkedHashSet<>();
                    svcs.addAll(r.services());
                }
                if (!r.copy().isEmpty()) {
                    if (extra == null) extra = new LinkedHashMap<>(copies);
                    extra.putAll(r.copy());
                }
            }
            if (product != null || cats != null || svcs != null) {
                ls = new EventLogsource(
                        product,
                        cats == null ? List.of() : List.copyOf(cats),
                        svcs == null ? List.of() : List.copyOf(svcs));
            }
            if (extra != null) copy = extra;
        }
        if (ls == null) ls = e.logsource(); // keep what the sender (e.g. the server's source config) set
        int ts = sh.timestamp;
        if (!copy.isEmpty()) {
            Event copied = withCopies(ev, copy);
            if (copied != ev) {
                ev = copied;
                ts = -1;
                for (String t : timestamp) {
                    ts = slot(ev, t);
                    if (ts >= 0) break;
                }
            }
        }
        return ev.withPipeline(name, ls, ts);
    }

    private static int slot(Event e, String field) {
        for (int i = 0, n = e.size(); i < n; i++) if (e.name(i).equals(field)) return i;
        return -1;
    }

    private static boolean matches(LsRule r, Event e) {
        for (Cond c : r.when()) {
            boolean ok = false;
            for (int i = 0, n = e.size(); i < n && !ok; i++) {
                if (!e.name(i).equals(c.field())) continue;
                String v = e.lower(i);
                if (v != null && c.values().contains(v)) ok = true;
            }
            if (!ok) return false;
        }
        return true;
    }

    /** A hint key: product, category and service as the event gives them (lower case, any may be null). */
    private record Hints(String product, String category, String service) {}

    /**
     * The last hint values seen as the event carried them (before lower-casing) and the logsource they gave: events
     * of one source repeat the same hints, so comparing three short strings usually replaces lower-casing them and a
     * map lookup. Immutable; racy replacement is harmless.
     */
    private record LastHints(String product, String category, String service, EventLogsource logsource) {}

    private LastHints lastHints;

    private EventLogsource fromHints(Event e, Shape sh) {
        String rp = sh.product < 0 ? null : e.text(sh.product);
        String rc = sh.category < 0 ? null : e.text(sh.category);
        String rs = sh.service < 0 ? null : e.text(sh.service);
        LastHints last = lastHints;
        if (last != null
                && java.util.Objects.equals(rp, last.product)
                && java.util.Objects.equals(rc, last.category)
                && java.util.Objects.equals(rs, last.service)) {
            return last.logsource;
        }
        EventLogsource ls = lookupHints(e, sh);
        lastHints = new LastHints(rp, rc, rs, ls);
        return ls;
    }

    private EventLogsource lookupHints(Event e, Shape sh) {
        String p = sh.product < 0 ? null : e.lower(sh.product);
        String c = sh.category < 0 ? null : e.lower(sh.category);
        String s = sh.service < 0 ? null : e.lower(sh.service);
        if (p == null && c == null && s == null) return null;
        Hints key = new Hints(p, c, s);
        EventLogsource ls = hintCache.get(key);
        if (ls == null) {
            ls = EventLogsource.of(p, c, s);
            if (hintCache.size() < 4096) hintCache.putIfAbsent(key, ls);
        }
        return ls;
    }

    /** The mapped name (the same instance when unchanged), or "" to remove the field. */
    String mapName(String n) {
        String cached = nameCache.get(n);
        if (cached != null) return cached.equals(n) ? n : cached;
        String m = computeName(n);
        if (nameCache.size() < NAME_CACHE) nameCache.putIfAbsent(n, m);
        return m.equals(n) ? n : m;
    }

    private String computeName(String n) {
        String m = n;
        for (Rename r : renames) {
            if (r.field() != null) {
                if (!n.equals(r.field())) continue;
                m = r.remove() ? "" : r.to();
                break;
            }
            if (r.prefix() != null && n.startsWith(r.prefix())) {
                if (r.remove()) return "";
                String rest = n.substring(r.prefix().length());
                for (int d = 0; d < r.drop(); d++) {
                    int dot = rest.indexOf('.');
                    if (dot < 0) break;
                    rest = rest.substring(dot + 1);
                }
                m = r.to() + rest;
                break;
            }
        }
        if (m.isEmpty()) return m;
        if (attributes != null) {
            String mid = "." + attributes + ".";
            if (m.startsWith(attributes + ".")) m = m.substring(attributes.length() + 1);
            m = m.replace(mid, "_");
        }
        if (text != null) {
            if (m.endsWith("." + text)) m = m.substring(0, m.length() - text.length() - 1);
        }
        if (stripSpaces && m.indexOf(' ') >= 0) m = m.replace(" ", "");
        return m;
    }

    private static Event withCopies(Event e, Map<String, String> copy) {
        Event.Builder b = null;
        for (Map.Entry<String, String> c : copy.entrySet()) {
            if (e.has(c.getValue())) continue;
            for (int i = 0, n = e.size(); i < n; i++) {
                if (!e.name(i).equals(c.getKey())) continue;
                if (b == null) {
                    b = Event.builder();
                    for (int k = 0; k < n; k++) b.add(e.name(k), e.value(k));
                }
                b.add(c.getValue(), e.value(i));
            }
        }
        return b == null ? e : b.build();
    }

    // ---- parsing -------------------------------------------------------------------------------------------------

    static YamlPipeline parse(String yaml, String origin) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder()
                            .setAllowDuplicateKeys(false)
                            .setLabel(origin)
                            .build())
                    .loadFromString(yaml);
        } catch (RuntimeException e) {
            throw new PipelineException(origin + ": invalid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> m)) throw new PipelineException(origin + ": a pipeline is a YAML map");
        Object nm = m.get("name");
        if (!(nm instanceof String name) || name.isBlank())
            throw new PipelineException(origin + ": 'name' is required");
        List<String> recognize = strings(m.get("recognize"), origin, "recognize");
        List<Rename> renames = new ArrayList<>();
        Object rn = m.get("rename");
        if (rn != null) {
            if (!(rn instanceof List<?> l)) throw new PipelineException(origin + ": 'rename' must be a list");
            for (Object o : l) {
                if (!(o instanceof Map<?, ?> r)) throw new PipelineException(origin + ": each rename is a map");
                String field = str(r.get("field"));
                String prefix = str(r.get("prefix"));
                if ((field == null) == (prefix == null)) {
                    throw new PipelineException(origin + ": a rename needs exactly one of 'field' or 'prefix'");
                }
                boolean remove = Boolean.TRUE.equals(r.get("remove"));
                String to = str(r.get("to"));
                if (to == null && !remove)
                    throw new PipelineException(origin + ": rename of " + (field != null ? field : prefix)
                            + " needs 'to' or 'remove: true'");
                Object drop = r.get("drop");
                renames.add(new Rename(
                        field, prefix, to == null ? "" : to, drop instanceof Number d ? d.intValue() : 0, remove));
            }
        }
        List<String> ts = strings(m.get("timestamp"), origin, "timestamp");
        boolean hints = Boolean.TRUE.equals(m.get("hints"));
        Map<String, String> copies = new LinkedHashMap<>(stringMap(m.get("copy"), origin, "copy"));
        List<LsRule> logsources = new ArrayList<>();
        for (String inc : strings(m.get("include"), origin, "include")) {
            YamlPipeline frag = Pipelines.fragment(inc);
            logsources.addAll(frag.tableRules());
            copies.putAll(frag.copies);
        }
        logsources.addAll(rules(m.get("logsources"), origin));
        return new YamlPipeline(
                name,
                recognize,
                renames,
                str(m.get("attributes")),
                str(m.get("text")),
                Boolean.TRUE.equals(m.get("strip_spaces")),
                ts,
                hints,
                copies,
                logsources);
    }

    List<LsRule> tableRules() {
        Set<LsRule> seen = new LinkedHashSet<>(unindexed);
        for (List<LsRule> l : byChannel.values()) seen.addAll(l);
        // keep definition order: rebuild from the original order is not kept, so order by first appearance
        return new ArrayList<>(seen);
    }

    private static List<LsRule> rules(Object o, String origin) {
        List<LsRule> out = new ArrayList<>();
        if (o == null) return out;
        if (!(o instanceof List<?> l)) throw new PipelineException(origin + ": 'logsources' must be a list");
        for (Object e : l) {
            if (!(e instanceof Map<?, ?> r)) throw new PipelineException(origin + ": each logsource entry is a map");
            List<Cond> when = new ArrayList<>();
            Object w = r.get("when");
            if (w != null) {
                if (!(w instanceof Map<?, ?> wm)) throw new PipelineException(origin + ": 'when' must be a map");
                for (Map.Entry<?, ?> c : wm.entrySet()) {
                    Set<String> vals = new HashSet<>();
                    for (String v : strings(c.getValue(), origin, "when")) vals.add(v.toLowerCase(Locale.ROOT));
                    when.add(new Cond(String.valueOf(c.getKey()), Set.copyOf(vals)));
                }
            }
            String product = str(r.get("product"));
            out.add(new LsRule(
                    List.copyOf(when),
                    product == null ? null : product.toLowerCase(Locale.ROOT),
                    lowerAll(strings(r.get("category"), origin, "category")),
                    lowerAll(strings(r.get("service"), origin, "service")),
                    Map.copyOf(stringMap(r.get("copy"), origin, "copy"))));
        }
        return out;
    }

    private static List<String> lowerAll(List<String> l) {
        List<String> out = new ArrayList<>(l.size());
        for (String s : l) out.add(s.toLowerCase(Locale.ROOT));
        return List.copyOf(out);
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static List<String> strings(Object o, String origin, String key) {
        List<String> out = new ArrayList<>();
        if (o == null) return out;
        if (o instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map || e instanceof List)
                    throw new PipelineException(origin + ": '" + key + "' must list plain values");
                out.add(String.valueOf(e));
            }
        } else if (o instanceof Map) {
            throw new PipelineException(origin + ": '" + key + "' must be a value or a list");
        } else {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static Map<String, String> stringMap(Object o, String origin, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) return out;
        if (!(o instanceof Map<?, ?> m)) throw new PipelineException(origin + ": '" + key + "' must be a map");
        m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    static String readResource(String path) {
        try (InputStream in = YamlPipeline.class.getResourceAsStream(path)) {
            if (in == null) return null;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineException("cannot read built-in pipeline " + path, e);
        }
    }
}
