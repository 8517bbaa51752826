package dev.vigil.server.events.internal;

import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.server.normalize.IngestedEvent;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The canonical bytes of a stored event: the one encoding that is written to the write-ahead log, kept in the Lucene
 * index as the event's only stored field, hashed for the tamper-evident chain and decoded for search results, export,
 * detection replay and retro-hunts. Everything else in the index (terms, points, doc values) is derived from it.
 *
 * <p>Layout (big-endian, strings as varint length + UTF-8; version 1):
 *
 * <pre>
 * byte    version (1)
 * byte    flags: 1 event time, 2 application, 4 pipeline, 8 logsource, 16 raw
 * long    received epoch second, int nanos
 * [long, int]  event time
 * str     source
 * [str]   application
 * [str]   pipeline (the field-mapping pipeline that normalised the event)
 * [str product ("" for none), varint n, n × str category, varint m, m × str service]   logsource hints
 * [str]   raw (the record as received)
 * ...     the normalised event as flat JSON (dotted names, multi-valued fields as arrays), to the end
 * </pre>
 *
 * <p>Invariant: {@link #decode} of {@link #encode} gives back an event that matches exactly like the original (same
 * fields, logsource, pipeline and event time), which is what makes a retro-hunt agree with live detection.
 */
final class Canonical {
    static final byte VERSION = 1;
    private static final int F_TIME = 1;
    private static final int F_APP = 2;
    private static final int F_PIPELINE = 4;
    private static final int F_LOGSOURCE = 8;
    private static final int F_RAW = 16;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private Canonical() {}

    /** A decoded event: its metadata and where its JSON lies in the bytes. */
    record Decoded(
            Instant receivedAt,
            Instant eventTime,
            String source,
            String application,
            String pipeline,
            EventLogsource logsource,
            String raw,
            byte[] bytes,
            int jsonOffset,
            int jsonLength) {

        String json() {
            return new String(bytes, jsonOffset, jsonLength, StandardCharsets.UTF_8);
        }

        /** The engine event as it was when stored (fields, logsource, pipeline, event time). */
        Event event() {
            Event e = Event.parseJson(bytes, jsonOffset, jsonLength);
            if (pipeline != null) {
                e = e.withPipeline(pipeline, logsource, -1);
            } else if (logsource != null) {
                e = e.withLogsource(logsource);
            }
            if (eventTime != null) {
                e = e.withTimestamp(eventTime);
            }
            return e;
        }

        IngestedEvent ingested(long id) {
            return new IngestedEvent(source, application, receivedAt, raw, event(), id);
        }
    }

    /** Encodes an event (its id is not part of it: the id is the event's position in the chain). */
    static byte[] encode(IngestedEvent e) {
        Buffer b = new Buffer(256 + (e.raw() == null ? 0 : e.raw().length() * 2));
        Event ev = e.event();
        Instant time = ev.timestamp();
        EventLogsource ls = ev.logsource();
        String pipeline = ev.pipeline();
        int flags = (time != null ? F_TIME : 0)
                | (e.application() != null ? F_APP : 0)
                | (pipeline != null ? F_PIPELINE : 0)
                | (ls != null ? F_LOGSOURCE : 0)
                | (e.raw() != null ? F_RAW : 0);
        b.write(VERSION);
        b.write(flags);
        b.writeLong(e.receivedAt().getEpochSecond());
        b.writeInt(e.receivedAt().getNano());
        if (time != null) {
            b.writeLong(time.getEpochSecond());
            b.writeInt(time.getNano());
        }
        b.writeString(e.sourceName());
        if (e.application() != null) {
            b.writeString(e.application());
        }
        if (pipeline != null) {
            b.writeString(pipeline);
        }
        if (ls != null) {
            b.writeString(ls.product() == null ? "" : ls.product());
            b.writeVarint(ls.categories().size());
            for (String c : ls.categories()) {
                b.writeString(c);
            }
            b.writeVarint(ls.services().size());
            for (String s : ls.services()) {
                b.writeString(s);
            }
        }
        if (e.raw() != null) {
            b.writeString(e.raw());
        }
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), b)) {
            ev.writeJson(g);
        }
        return b.toByteArray();
    }

    /**
     * Decodes canonical bytes.
     *
     * @throws IllegalArgumentException when the bytes are not a canonical event (corrupt or tampered)
     */
    static Decoded decode(byte[] bytes) {
        try {
            Reader r = new Reader(bytes);
            int version = r.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown canonical event version " + version);
            }
            int flags = r.readByte();
            Instant received = Instant.ofEpochSecond(r.readLong(), r.readInt());
            Instant time = (flags & F_TIME) != 0 ? Instant.ofEpochSecond(r.readLong(), r.readInt()) : null;
            String source = r.readString();
            String app = (flags & F_APP) != 0 ? r.readString() : null;
            String pipeline = (flags & F_PIPELINE) != 0 ? r.readString() : null;
            EventLogsource ls = null;
            if ((flags & F_LOGSOURCE) != 0) {
                String product = r.readString();
                int n = r.readVarint();
                List<String> cats = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    cats.add(r.readString());
                }
                int m = r.readVarint();
                List<String> svcs = new ArrayList<>(m);
                for (int i = 0; i < m; i++) {
                    svcs.add(r.readString());
                }
                ls = new EventLogsource(product.isEmpty() ? null : product, cats, svcs);
            }
            String raw = (flags & F_RAW) != 0 ? r.readString() : null;
            return new Decoded(received, time, source, app, pipeline, ls, raw, bytes, r.pos, bytes.length - r.pos);
        } catch (ArrayIndexOutOfBoundsException | java.time.DateTimeException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt canonical event: " + e.getMessage(), e);
        }
    }

    /** Only the receive time (partitioning and sealing do not need the rest). */
    static Instant receivedAt(byte[] bytes) {
        Reader r = new Reader(bytes);
        r.pos = 2;
        return Instant.ofEpochSecond(r.readLong(), r.readInt());
    }

    /** Only the event time, or null. */
    static Instant eventTime(byte[] bytes) {
        if ((bytes[1] & F_TIME) == 0) {
            return null;
        }
        Reader r = new Reader(bytes);
        r.pos = 14;
        return Instant.ofEpochSecond(r.readLong(), r.readInt());
    }

    /** A growable byte array that is also the JSON generator's output stream. */
    static final class Buffer extends OutputStream {
        byte[] buf;
        int len;

        Buffer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        void writeInt(int v) {
            ensure(4);
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeVarint(int v) {
            while ((v & ~0x7F) != 0) {
                write((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            write(v);
        }

        void writeString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            writeVarint(b.length);
            write(b, 0, b.length);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads what {@link Buffer} wrote. */
    static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int readByte() {
            return b[pos++] & 0xFF;
        }

        int readInt() {
            int v = ((b[pos] & 0xFF) << 24)
                    | ((b[pos + 1] & 0xFF) << 16)
                    | ((b[pos + 2] & 0xFF) << 8)
                    | (b[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long readLong() {
            return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
        }

        int readVarint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int x = readByte();
                v |= (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    if (v < 0) {
                        throw new IllegalArgumentException("negative length");
                    }
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        String readString() {
            int n = readVarint();
            if (n > b.length - pos) {
                throw new IllegalArgumentException("string of " + n + " bytes runs past the end");
            }
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }
}
