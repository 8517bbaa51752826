package dev.vigil.engine.correlate;

import dev.vigil.engine.Detection;
import dev.vigil.engine.correlate.GroupState.Hit;
import dev.vigil.engine.event.Event;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The serialised form of correlation state: a compact, versioned binary format ({@code VGCS}, version 2) for whole
 * snapshots ({@link Correlator#snapshot()}: clocks, held-back detections, every group) and for single group states
 * ({@link #encode(GroupState)}, what a Kafka Streams store adapter would put in its {@code KeyValueStore}).
 *
 * <p>Version 2 adds {@linkplain CorrelationOptions#withPartition partitions}: the clocks of every partition other than
 * the default one, the partition of each held-back detection, of each group key and of each firing's context.
 * Version 1 snapshots (written before partitions existed) are still restored: their groups and firings belong to the
 * default partition (a group that mixed partitions before stays whole, where it was), and their held-back detections
 * to the partition the configured function gives their events. Snapshots are always written as version 2.
 *
 * <p>Detections are stored with their rule id, title, level, status, tags, matched fields, the event as JSON and
 * its event time; a restored event has no logsource hints (they only matter for routing, which is done). Decoding
 * checks every length against the remaining bytes, so corrupt input fails with {@link IllegalArgumentException},
 * never with an out-of-memory error.
 */
public final class StateCodec {
    private static final int MAGIC = 0x56474353; // "VGCS"
    private static final int VERSION = 2;
    private static final int MAX_DEPTH = 64;

    private StateCodec() {}

    /** One group state as bytes. */
    public static byte[] encode(GroupState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeState(out, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One group state from {@link #encode} bytes. */
    public static GroupState decode(byte[] data) {
        try {
            In in = new In(data);
            GroupState s = readState(in);
            if (in.available() != 0) throw new IllegalArgumentException("trailing bytes after group state");
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt group state: " + e.getMessage(), e);
        }
    }

    /**
     * A state key as bytes (rule, then group values, then the partition unless it is the default one): a Kafka record
     * key. Keys of the default partition are the bytes they were before partitions existed.
     */
    public static byte[] encode(StateKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, key.rule());
            out.writeInt(key.group().size());
            for (int i = 0; i < key.group().size(); i++)
                writeString(out, key.group().value(i));
            if (!key.group().partition().isEmpty()) writeString(out, key.group().partition());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A state key from {@link #encode(StateKey)} bytes. */
    public static StateKey decodeKey(byte[] data) {
        try {
            In in = new In(data);
            StateKey k = readKey(in);
            if (in.available() != 0) {
                String partition = readString(in);
                if (partition == null || partition.isEmpty()) throw new IOException("empty partition");
                k = new StateKey(k.rule(), k.group().inPartition(partition));
            }
            if (in.available() != 0) throw new IllegalArgumentException("trailing bytes after state key");
            return k;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt state key: " + e.getMessage(), e);
        }
    }

    static byte[] snapshot(Correlator c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            List<Correlator.Partition> partitions = c.partitions();
            List<Correlator.Item> held = new ArrayList<>();
            for (Correlator.Partition p : partitions) held.addAll(p.held.items());
            // the default partition's clocks and the arrival counter: the layout of version 1
            Correlator.Partition main = partitions.getFirst();
            out.writeLong(main.maxSeen);
            out.writeLong(main.watermark);
            out.writeLong(main.lastArrival);
            out.writeLong(c.seq());
            out.writeInt(partitions.size() - 1);
            for (Correlator.Partition p : partitions.subList(1, partitions.size())) {
                writeString(out, p.name);
                out.writeLong(p.maxSeen);
                out.writeLong(p.watermark);
                out.writeLong(p.lastArrival);
            }
            out.writeInt(held.size());
            for (Correlator.Item i : held) {
                writeDetection(out, i.detection(), 0);
                out.writeLong(i.time());
                out.writeLong(i.seq());
                writeString(out, i.partition().name);
            }
            List<Map.Entry<StateKey, GroupState>> groups =
                    new ArrayList<>(c.store().size());
            c.store().forEach((k, v) -> groups.add(Map.entry(k, v)));
            out.writeInt(groups.size());
            for (Map.Entry<StateKey, GroupState> g : groups) {
                writeString(out, g.getKey().rule());
                out.writeInt(g.getKey().group().size());
                for (int i = 0; i < g.getKey().group().size(); i++)
                    writeString(out, g.getKey().group().value(i));
                writeString(out, g.getKey().group().partition());
                writeState(out, g.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static int restore(Correlator c, byte[] data) {
        if (data == null) throw new IllegalArgumentException("snapshot is null");
        try {
            In in = new In(data);
            if (in.readInt() != MAGIC) throw new IllegalArgumentException("not a Vigil correlation snapshot");
            int version = in.readInt();
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("unsupported snapshot version " + version);
            }
            in.version = version;
            long[] clocks = new long[4];
            for (int i = 0; i < 4; i++) clocks[i] = in.readLong();
            List<Object[]> partitions = new ArrayList<>();
            if (version >= 2) {
                int n = in.count(28);
                for (int i = 0; i < n; i++) {
                    String name = readString(in);
                    if (name == null || name.isEmpty()) throw new IOException("unnamed partition");
                    partitions.add(new Object[] {name, in.readLong(), in.readLong(), in.readLong()});
                }
            }
            int nHeld = in.count(24);
            List<Object[]> held = new ArrayList<>(nHeld);
            for (int i = 0; i < nHeld; i++) {
                Detection d = readDetection(in, 0);
                long time = in.readLong();
                long seq = in.readLong();
                held.add(new Object[] {d, time, seq, version >= 2 ? readString(in) : null});
            }
            int nGroups = in.count(8);
            List<Map.Entry<StateKey, GroupState>> groups = new ArrayList<>(nGroups);
            for (int i = 0; i < nGroups; i++) {
                StateKey k = readKey(in);
                if (version >= 2) k = new StateKey(k.rule(), k.group().inPartition(readString(in)));
                groups.add(Map.entry(k, readState(in)));
            }
            if (in.available() != 0) throw new IllegalArgumentException("trailing bytes after snapshot");
            // Fully decoded: now replace the state.
            c.clearForRestore();
            Correlator.Partition main = c.partition("");
            main.maxSeen = clocks[0];
            main.watermark = clocks[1];
            main.lastArrival = clocks[2];
            c.seq(clocks[3]);
            for (Object[] p : partitions) {
                Correlator.Partition q = c.partition((String) p[0]);
                q.maxSeen = (Long) p[1];
                q.watermark = (Long) p[2];
                q.lastArrival = (Long) p[3];
            }
            Set<String> keys = c.stateKeys();
            int dropped = 0;
            for (Object[] h : held) {
                Detection d = (Detection) h[0];
                if (!c.knowsRule(d.ruleId())) {
                    dropped++;
                    continue;
                }
                String partition = version >= 2 ? (String) h[3] : c.partitionName(d);
                c.restoreHeld(d, (Long) h[1], (Long) h[2], partition);
            }
            for (Map.Entry<StateKey, GroupState> g : groups) {
                if (!keys.contains(g.getKey().rule())) {
                    dropped++;
                    continue;
                }
                c.store().put(g.getKey(), g.getValue());
            }
            return dropped;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt correlation snapshot: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- states

    private static void writeState(DataOutputStream out, GroupState s) throws IOException {
        switch (s) {
            case GroupState.Count c -> {
                out.writeByte(1);
                common(out, s);
                writeHits(out, c.hits);
            }
            case GroupState.Distinct d -> {
                out.writeByte(2);
                common(out, s);
                out.writeInt(d.byValue.size());
                for (Map.Entry<String, Hit> e : d.byValue.entrySet()) {
                    writeString(out, e.getKey());
                    writeHit(out, e.getValue());
                }
            }
            case GroupState.Temporal t -> {
                out.writeByte(3);
                common(out, s);
                out.writeInt(t.byRule.length);
                for (ArrayDeque<Hit> q : t.byRule) writeHits(out, q);
            }
            case GroupState.Numeric n -> {
                out.writeByte(4);
                common(out, s);
                writeHits(out, n.hits);
            }
            case KillChainState k -> {
                out.writeByte(5);
                common(out, s);
                out.writeInt(k.contributions.size());
                for (KillChainState.Contribution c : k.contributions) {
                    writeHit(out, c.hit());
                    out.writeInt(c.tactics());
                    writeString(out, c.rule());
                }
            }
        }
    }

    private static void common(DataOutputStream out, GroupState s) throws IOException {
        out.writeLong(s.lastTime);
        out.writeLong(s.lastFired);
    }

    private static GroupState readState(In in) throws IOException {
        int tag = in.readByte();
        long lastTime = in.readLong();
        long lastFired = in.readLong();
        GroupState s;
        switch (tag) {
            case 1 -> {
                GroupState.Count c = new GroupState.Count();
                readHits(in, c.hits);
                s = c;
            }
            case 2 -> {
                GroupState.Distinct d = new GroupState.Distinct();
                int n = in.count(16);
                for (int i = 0; i < n; i++) {
                    String v = readString(in);
                    d.byValue.put(v, readHit(in));
                }
                s = d;
            }
            case 3 -> {
                int rules = in.count(4);
                GroupState.Temporal t = new GroupState.Temporal(rules);
                for (int i = 0; i < rules; i++) readHits(in, t.byRule[i]);
                s = t;
            }
            case 4 -> {
                GroupState.Numeric n = new GroupState.Numeric();
                ArrayDeque<Hit> hits = new ArrayDeque<>();
                readHits(in, hits);
                for (Hit h : hits) n.add(h, Integer.MAX_VALUE);
                s = n;
            }
            case 5 -> {
                KillChainState k = new KillChainState();
                int n = in.count(16);
                for (int i = 0; i < n; i++) {
                    Hit h = readHit(in);
                    int tactics = in.readInt();
                    k.contributions.addLast(new KillChainState.Contribution(h, tactics, readString(in)));
                }
                s = k;
            }
            default -> throw new IOException("unknown state tag " + tag);
        }
        s.lastTime = lastTime;
        s.lastFired = lastFired;
        return s;
    }

    private static void writeHits(DataOutputStream out, ArrayDeque<Hit> hits) throws IOException {
        out.writeInt(hits.size());
        for (Hit h : hits) writeHit(out, h);
    }

    private static void readHits(In in, ArrayDeque<Hit> into) throws IOException {
        int n = in.count(16);
        for (int i = 0; i < n; i++) into.addLast(readHit(in));
    }

    private static void writeHit(DataOutputStream out, Hit h) throws IOException {
        out.writeLong(h.time());
        out.writeLong(h.seq());
        out.writeDouble(h.value());
        writeDetection(out, h.detection(), 0);
    }

    private static Hit readHit(In in) throws IOException {
        long time = in.readLong();
        long seq = in.readLong();
        double value = in.readDouble();
        return new Hit(time, seq, readDetection(in, 0), value);
    }

    private static StateKey readKey(In in) throws IOException {
        String rule = readString(in);
        int n = in.count(4);
        String[] values = new String[n];
        for (int i = 0; i < n; i++) values[i] = readString(in);
        return new StateKey(rule, GroupKey.wrap(values));
    }

    // ---------------------------------------------------------------- detections

    private static void writeDetection(DataOutputStream out, Detection d, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException("detections nested too deeply");
        writeString(out, d.ruleId());
        writeString(out, d.ruleTitle());
        writeString(out, d.level());
        writeString(out, d.status());
        out.writeInt(d.tags().size());
        for (String t : d.tags()) writeString(out, t);
        out.writeInt(d.matchedFields().size());
        for (Map.Entry<String, Object> e : d.matchedFields().entrySet()) {
            writeString(out, e.getKey());
            writeValue(out, e.getValue());
        }
        Event e = d.event();
        writeString(out, e == null ? null : e.toJson());
        Instant ts = e == null ? null : e.timestamp();
        out.writeBoolean(ts != null);
        if (ts != null) {
            out.writeLong(ts.getEpochSecond());
            out.writeInt(ts.getNano());
        }
        out.writeInt(d.eventIndex());
        CorrelationContext c = d.correlation();
        out.writeBoolean(c != null);
        if (c != null) {
            writeString(out, c.type());
            out.writeInt(c.groupKey().size());
            for (Map.Entry<String, String> g : c.groupKey().entrySet()) {
                writeString(out, g.getKey());
                writeString(out, g.getValue());
            }
            writeInstant(out, c.windowStart());
            writeInstant(out, c.windowEnd());
            out.writeDouble(c.value());
            out.writeInt(c.contributing().size());
            for (Detection x : c.contributing()) writeDetection(out, x, depth + 1);
            out.writeInt(c.contributingTotal());
            out.writeInt(c.tactics().size());
            for (String t : c.tactics()) writeString(out, t);
            writeString(out, c.explanation());
            writeString(out, c.partition());
        }
    }

    private static Detection readDetection(In in, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new IOException("detections nested too deeply");
        String ruleId = readString(in);
        String title = readString(in);
        String level = readString(in);
        String status = readString(in);
        List<String> tags = readStrings(in);
        int nf = in.count(5);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < nf; i++) fields.put(readString(in), readValue(in));
        String json = readString(in);
        Event event = null;
        if (json != null) {
            try {
                event = Event.parseJson(json);
            } catch (RuntimeException e) {
                throw new IOException("stored event is not valid JSON: " + e.getMessage());
            }
        }
        if (in.readBoolean()) {
            Instant ts = Instant.ofEpochSecond(in.readLong(), in.readInt());
            if (event != null) event = event.withTimestamp(ts);
        }
        int eventIndex = in.readInt();
        CorrelationContext ctx = null;
        if (in.readBoolean()) {
            String type = readString(in);
            int ng = in.count(8);
            Map<String, String> group = new LinkedHashMap<>();
            for (int i = 0; i < ng; i++) group.put(readString(in), readString(in));
            Instant start = readInstant(in);
            Instant end = readInstant(in);
            double value = in.readDouble();
            int nc = in.count(16);
            List<Detection> contributing = new ArrayList<>(nc);
            for (int i = 0; i < nc; i++) contributing.add(readDetection(in, depth + 1));
            int total = in.readInt();
            List<String> tactics = readStrings(in);
            String explanation = readString(in);
            String partition = in.version >= 2 ? readString(in) : "";
            ctx = new CorrelationContext(
                    type, group, start, end, value, contributing, total, tactics, explanation, partition);
        }
        return new Detection(ruleId, title, level, status, tags, fields, event, eventIndex, ctx);
    }

    private static void writeValue(DataOutputStream out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(0);
            case String s -> {
                out.writeByte(1);
                writeString(out, s);
            }
            case Long l -> {
                out.writeByte(2);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(3);
                out.writeDouble(d);
            }
            case Boolean b -> {
                out.writeByte(4);
                out.writeBoolean(b);
            }
            default -> {
                out.writeByte(1);
                writeString(out, String.valueOf(v));
            }
        }
    }

    private static Object readValue(In in) throws IOException {
        int tag = in.readByte();
        return switch (tag) {
            case 0 -> null;
            case 1 -> readString(in);
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.readBoolean();
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    private static void writeInstant(DataOutputStream out, Instant i) throws IOException {
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeLong(i.getEpochSecond());
            out.writeInt(i.getNano());
        }
    }

    private static Instant readInstant(In in) throws IOException {
        if (!in.readBoolean()) return null;
        long s = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > 999_999_999) throw new IOException("bad nanoseconds");
        return Instant.ofEpochSecond(s, n);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(In in) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0 || n > in.available()) throw new IOException("string length " + n + " beyond the data");
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> readStrings(In in) throws IOException {
        int n = in.count(4);
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(readString(in));
        return l;
    }

    /** A bounds-checked reader: counts must fit in the remaining bytes. */
    private static final class In extends DataInputStream {
        /** The snapshot version being read (single states and keys have the current layout). */
        int version = VERSION;

        In(byte[] data) {
            super(new ByteArrayInputStream(data));
        }

        /** A count of items of at least {@code minBytes} each, checked against the remaining input. */
        int count(int minBytes) throws IOException {
            int n = readInt();
            if (n < 0 || (long) n * minBytes > available()) throw new IOException("count " + n + " beyond the data");
            return n;
        }
    }
}
