package dev.vigil.engine.event;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * One log event as flat fields: nested JSON objects are flattened to dotted paths ({@code Event.System.Channel}),
 * arrays give a field several values (any of them may match). Values are {@link String}, {@link Long}, {@link
 * Double}, {@link BigInteger}, {@link BigDecimal}, {@link Boolean} or {@link #NULL} (JSON null, which is not the
 * same as an absent field, nor an empty string).
 *
 * <p>Fast access for the matcher is by slot: {@link #size()}, {@link #name(int)}, {@link #text(int)} and {@link
 * #lower(int)}. The text and lower-case forms of a value are computed once, lazily, and cached in the event, so a
 * thousand rules looking at {@code CommandLine} lower-case it once. Events are immutable apart from those caches
 * (benign races: every thread computes the same string), so one event may be matched by several threads.
 *
 * <p>Logsource hints and the timestamp are set by a {@code Pipeline} (or by the server) with {@link
 * #withLogsource} / {@link #withTimestamp}, which return a copy sharing the field arrays.
 */
public final class Event {
    /** JSON null as a field value. */
    public static final Object NULL = JsonNull.INSTANCE;

    private enum JsonNull {
        INSTANCE;

        @Override
        public String toString() {
            return "null";
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();

    final String[] names;
    final Object[] values;
    final int size;
    private final String[] texts;
    private final String[] lowers;
    private final EventLogsource logsource;
    private Instant timestamp;
    private final int timestampSlot;
    private final String pipeline;

    Event(String[] names, Object[] values, int size, EventLogsource logsource, Instant timestamp, String pipeline) {
        this(names, values, size, new String[size], new String[size], logsource, timestamp, -1, pipeline);
    }

    private Event(
            String[] names,
            Object[] values,
            int size,
            String[] texts,
            String[] lowers,
            EventLogsource logsource,
            Instant timestamp,
            int timestampSlot,
            String pipeline) {
        this.names = names;
        this.values = values;
        this.size = size;
        this.texts = texts;
        this.lowers = lowers;
        this.logsource = logsource;
        this.timestamp = timestamp;
        this.timestampSlot = timestampSlot;
        this.pipeline = pipeline;
    }

    /**
     * An event from a map: nested maps become dotted names, lists give several values, other objects their {@code
     * toString()}. Java null is JSON null.
     */
    public static Event of(Map<String, ?> fields) {
        Builder b = builder();
        flatten(b, "", fields, 0);
        return b.build();
    }

    private static void flatten(Builder b, String prefix, Object v, int depth) {
        if (depth > JsonEvents.MAX_DEPTH) {
            throw new EventParseException("nesting deeper than " + JsonEvents.MAX_DEPTH + " levels");
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                flatten(b, prefix.isEmpty() ? k : prefix + "." + k, e.getValue(), depth + 1);
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) flatten(b, prefix, o, depth + 1);
        } else if (v instanceof Object[] arr) {
            for (Object o : arr) flatten(b, prefix, o, depth + 1);
        } else {
            b.add(prefix, v);
        }
    }

    /** Parses one JSON object (see {@link EventReader} for streams and files). */
    public static Event parseJson(String json) {
        return JsonEvents.parseSingle(json);
    }

    /** Parses one JSON object from UTF-8 bytes. */
    public static Event parseJson(byte[] utf8, int offset, int length) {
        return JsonEvents.parseSingle(utf8, offset, length);
    }

    public static Builder builder() {
        return new Builder(16);
    }

    /** Number of field values (a multi-valued field counts once per value). */
    public int size() {
        return size;
    }

    public String name(int slot) {
        return names[slot];
    }

    /** The raw value in a slot (see the class comment for the types). */
    public Object value(int slot) {
        return values[slot];
    }

    /** The value's text form ({@code 4688} for a number), or null for JSON null. Cached. */
    public String text(int slot) {
        String t = texts[slot];
        if (t == null) {
            Object v = values[slot];
            if (v == NULL) return null;
            t = v instanceof String s ? s : v instanceof Double d ? doubleText(d) : String.valueOf(v);
            texts[slot] = t;
        }
        return t;
    }

    /** The value's text form in lower case ({@link Locale#ROOT}), or null for JSON null. Computed once, cached. */
    public String lower(int slot) {
        String l = lowers[slot];
        if (l == null) {
            String t = text(slot);
            if (t == null) return null;
            l = t.toLowerCase(Locale.ROOT);
            lowers[slot] = l;
        }
        return l;
    }

    /** The lower-case form if {@link #lower} has computed it already, else null (nothing is computed). */
    public String cachedLower(int slot) {
        return lowers[slot];
    }

    private static String doubleText(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d); // NaN, Infinity, -Infinity (a JSON number beyond double's range: 1e999)
        }
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
            return BigDecimal.valueOf(d).setScale(1).toPlainString();
        }
        return BigDecimal.valueOf(d).toPlainString();
    }

    /** Whether the field is present (with any value, JSON null included). */
    public boolean has(String field) {
        for (int i = 0; i < size; i++) if (names[i].equals(field)) return true;
        return false;
    }

    /**
     * The field's value: null when absent, {@link #NULL} for JSON null, a {@link List} when the field has several
     * values.
     */
    public Object get(String field) {
        Object found = null;
        List<Object> many = null;
        boolean seen = false;
        for (int i = 0; i < size; i++) {
            if (!names[i].equals(field)) continue;
            if (!seen) {
                found = values[i];
                seen = true;
            } else {
                if (many == null) {
                    many = new ArrayList<>();
                    many.add(found);
                }
                many.add(values[i]);
            }
        }
        return many != null ? List.copyOf(many) : found;
    }

    /** The field's first value as text, or null when absent or JSON null. */
    public String getString(String field) {
        for (int i = 0; i < size; i++) if (names[i].equals(field)) return text(i);
        return null;
    }

    /** Field names in first-seen order, each once. */
    public Set<String> fieldNames() {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) s.add(names[i]);
        return s;
    }

    /**
     * Event time as the pipeline determined it (parsed lazily from its time field: ISO-8601, {@code yyyy-MM-dd
     * HH:mm:ss[.fff]} as UTC, or epoch seconds/milliseconds), or null.
     */
    public Instant timestamp() {
        Instant t = timestamp;
        if (t == null && timestampSlot >= 0) {
            t = dev.vigil.engine.compile.Strings.parseTime(values[timestampSlot]);
            timestamp = t;
        }
        return t;
    }

    /** Logsource hints, or null when unknown. */
    public EventLogsource logsource() {
        return logsource;
    }

    /** Name of the pipeline that normalised this event, or null when none has. */
    public String pipeline() {
        return pipeline;
    }

    /**
     * The values of some slots under new names (a pipeline's renaming): slot {@code i} of the result is {@code
     * names[i]} with the value of slot {@code from[i]} of this event. Logsource, timestamp and pipeline are not
     * carried over.
     */
    public Event select(String[] names, int[] from) {
        int n = from.length;
        String[] ns = Arrays.copyOf(names, n);
        Object[] vs = new Object[n];
        String[] ts = new String[n];
        String[] ls = new String[n];
        for (int i = 0; i < n; i++) {
            vs[i] = values[from[i]];
            ts[i] = texts[from[i]];
            ls[i] = lowers[from[i]];
        }
        return new Event(ns, vs, n, ts, ls, null, null, -1, null);
    }

    /** The field names by slot (a copy). */
    public String[] names() {
        return Arrays.copyOf(names, size);
    }

    /**
     * Whether this event has exactly the field names (by slot) of {@code shape}, compared by reference first: events
     * parsed by one reader share their name strings, so a pipeline or matcher can reuse what it derived from one
     * event's names for the next event of the same shape.
     */
    public boolean sameNames(String[] shape) {
        if (shape == names) return true;
        if (shape.length != size) return false;
        for (int i = 0; i < size; i++) {
            String a = names[i];
            String b = shape[i];
            if (a != b && !a.equals(b)) return false;
        }
        return true;
    }

    /**
     * The field names by slot as a shape key for {@link #sameNames}: the event's own array, <b>not to be modified</b>.
     * Events a reader parses one after another with the same names share one array, so keeping this (rather than a
     * {@link #names()} copy) makes recognising the next event of the same shape a reference comparison.
     */
    public String[] shape() {
        return names;
    }

    /** A hash of the field names by slot, consistent with {@link #sameNames}. */
    public int namesHash() {
        int h = size;
        for (int i = 0; i < size; i++) h = h * 31 + names[i].hashCode();
        return h;
    }

    public Event withLogsource(EventLogsource ls) {
        return new Event(names, values, size, texts, lowers, ls, timestamp, timestampSlot, pipeline);
    }

    public Event withTimestamp(Instant ts) {
        return new Event(names, values, size, texts, lowers, logsource, ts, -1, pipeline);
    }

    /**
     * A copy marked as normalised by a pipeline (so applying a pipeline twice is harmless), with its logsource and
     * the slot of its time field (-1 for none; parsed on first {@link #timestamp()}).
     */
    public Event withPipeline(String pipelineName, EventLogsource ls, int timestampSlot) {
        return new Event(names, values, size, texts, lowers, ls, null, timestampSlot, pipelineName);
    }

    /**
     * A copy with {@code name} set to {@code value}: earlier values of that field are dropped; logsource, time and
     * the pipeline mark are kept (a normalised event stays normalised). For fields the server derives, such as
     * {@code vigil.application}, which a log record must not be able to forge.
     */
    public Event withField(String name, Object value) {
        int kept = 0;
        for (int i = 0; i < size; i++) if (!names[i].equals(name)) kept++;
        String[] n = new String[kept + 1];
        Object[] v = new Object[kept + 1];
        String[] t = new String[kept + 1];
        String[] l = new String[kept + 1];
        int slot = -1;
        for (int i = 0, k = 0; i < size; i++) {
            if (names[i].equals(name)) continue;
            if (i == timestampSlot) slot = k;
            n[k] = names[i];
            v[k] = values[i];
            t[k] = texts[i];
            l[k] = lowers[i];
            k++;
        }
        n[kept] = name;
        v[kept] = Builder.normalise(value);
        Instant ts = timestampSlot >= 0 && slot < 0 ? timestamp() : timestamp;
        return new Event(n, v, kept + 1, t, l, logsource, ts, slot, pipeline);
    }

    /** The event as a flat JSON object (dotted names; a multi-valued field as an array). */
    public String toJson() {
        StringWriter w = new StringWriter(64 + size * 32);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), w)) {
            writeJson(g);
        }
        return w.toString();
    }

    /** Writes the event as a flat JSON object to a generator. */
    public void writeJson(JsonGenerator g) {
        g.writeStartObject();
        boolean[] done = new boolean[size];
        for (int i = 0; i < size; i++) {
            if (done[i]) continue;
            int count = 0;
            for (int j = i; j < size; j++) if (names[j].equals(names[i])) count++;
            g.writeName(names[i]);
            if (count == 1) {
                writeValue(g, values[i]);
            } else {
                g.writeStartArray();
                for (int j = i; j < size; j++) {
                    if (names[j].equals(names[i])) {
                        writeValue(g, values[j]);
                        done[j] = true;
                    }
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, Object v) {
        switch (v) {
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Integer n -> g.writeNumber(n);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) g.writeString(d.toString());
                else g.writeNumber(d);
            }
            case BigInteger b -> g.writeNumber(b);
            case BigDecimal b -> g.writeNumber(b);
            case Boolean b -> g.writeBoolean(b);
            default -> {
                if (v == NULL) g.writeNull();
                else g.writeString(String.valueOf(v));
            }
        }
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds an event field by field (values as in the class comment; other objects become strings). */
    public static final class Builder {
        /** This event's own names, or null while they agree with {@link #template}. */
        private String[] names;

        private Object[] values;
        private int size;
        private EventLogsource logsource;
        private Instant timestamp;
        /**
         * The names of the previous event of the same reader: while this event's names agree slot by slot, it shares
         * that array (no copy; {@link #sameNames} is then one reference comparison, and the names stay in cache).
         */
        private String[] template;

        Builder(int capacity) {
            names = new String[capacity];
            values = new Object[capacity];
        }

        /** A builder whose event shares {@code template} as its names when they turn out the same (may be null). */
        Builder(int capacity, String[] template) {
            this.template = template;
            names = template == null ? new String[capacity] : null;
            values = new Object[capacity];
        }

        public Builder add(String name, Object value) {
            if (size >= JsonEvents.MAX_FIELDS) {
                throw new EventParseException("more than " + JsonEvents.MAX_FIELDS + " field values");
            }
            if (size == values.length) {
                if (names != null) names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            String[] t = template;
            if (t != null) {
                String same = size < t.length ? t[size] : null;
                if (same != null && (same == name || same.equals(name))) {
                    values[size] = normalise(value);
                    size++;
                    return this;
                }
                // the names diverge here: this event gets its own, starting with the agreed ones
                names = new String[values.length];
                System.arraycopy(t, 0, names, 0, size);
                template = null;
            }
            names[size] = name;
            values[size] = normalise(value);
            size++;
            return this;
        }

        private static Object normalise(Object v) {
            if (v == null || v == NULL) return NULL;
            if (v instanceof String
                    || v instanceof Long
                    || v instanceof Double
                    || v instanceof Boolean
                    || v instanceof BigInteger
                    || v instanceof BigDecimal) {
                return v;
            }
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
            if (v instanceof Float f) return f.doubleValue();
            if (v instanceof CharSequence cs) return cs.toString();
            return String.valueOf(v);
        }

        public Builder logsource(EventLogsource ls) {
            this.logsource = ls;
            return this;
        }

        public Builder timestamp(Instant ts) {
            this.timestamp = ts;
            return this;
        }

        public int size() {
            return size;
        }

        public Event build() {
            String[] n;
            if (template != null) {
                n = template.length == size ? template : Arrays.copyOf(template, size);
            } else {
                n = names.length == size ? names : Arrays.copyOf(names, size);
            }
            return new Event(n, values, size, logsource, timestamp, null);
        }
    }
}
