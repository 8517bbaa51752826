package dev.vigil.server.events.internal;

import dev.vigil.engine.event.Event;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;

/**
 * How an event becomes a Lucene document. Metadata fields start with {@code _}; every flattened event field is
 * indexed under its own name as one lower-cased keyword term per value (exact, case-insensitive matches and
 * wildcards, as Sigma matches), numeric values also as a point under {@code #name} (ranges), and the raw record as
 * analysed text under {@code _raw} (free-text search). The only stored field is the canonical bytes ({@code _c});
 * results, exports, retro-hunts and integrity checks all decode it.
 *
 * <p>Field schema is fixed per name (Lucene refuses a name with points in one document and without in another), so
 * event fields named like a metadata field or starting with {@code #} are not indexed by name (they stay in
 * {@code _raw} and in the stored event).
 */
final class EventDocuments {
    static final String ID = "_id";
    static final String TIME = "_time";
    static final String RECEIVED = "_received";
    static final String SOURCE = "_source";
    static final String APPLICATION = "_application";
    static final String RAW = "_raw";
    static final String FIELDS = "_fields";
    static final String CANONICAL = "_c";
    static final String NUMERIC = "#";
    static final Set<String> RESERVED = Set.of(ID, TIME, RECEIVED, SOURCE, APPLICATION, RAW, FIELDS, CANONICAL);

    /** Longest value indexed as a term (Lucene's limit is 32766 UTF-8 bytes); longer values are cut for the index. */
    static final int MAX_TERM_CHARS = 8000;
    /** Longest field name indexed. */
    static final int MAX_NAME_CHARS = 512;
    /** Field values indexed per event; the rest stay searchable through {@code _raw}. */
    static final int MAX_VALUES = 2048;

    /** The earliest and latest instants the index and the ledger represent (PostgreSQL's range is narrower than Java's). */
    static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");

    static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");

    private EventDocuments() {}

    static Instant clamp(Instant t) {
        if (t == null) {
            return null;
        }
        return t.isBefore(MIN_TIME) ? MIN_TIME : t.isAfter(MAX_TIME) ? MAX_TIME : t;
    }

    static long millis(Instant t) {
        return clamp(t).toEpochMilli();
    }

    /** The full document of an event. */
    static Document document(
            long id,
            Instant receivedAt,
            Instant eventTime,
            String source,
            String application,
            String raw,
            Event event,
            byte[] canonical) {
        Document d = metadata(id, receivedAt, eventTime, source, application, canonical);
        if (raw != null) {
            d.add(new TextField(RAW, raw, Field.Store.NO));
        }
        Set<String> names = new HashSet<>();
        int n = Math.min(event.size(), MAX_VALUES);
        for (int i = 0; i < n; i++) {
            String name = event.name(i);
            if (name.isEmpty()
                    || name.length() > MAX_NAME_CHARS
                    || RESERVED.contains(name)
                    || name.startsWith(NUMERIC)) {
                continue;
            }
            if (names.add(name)) {
                d.add(new StringField(FIELDS, name, Field.Store.NO));
            }
            String lower = event.lower(i);
            if (lower == null) {
                continue; // JSON null: the field is present (see _fields) without a value
            }
            d.add(new StringField(
                    name,
                    lower.length() > MAX_TERM_CHARS ? lower.substring(0, MAX_TERM_CHARS) : lower,
                    Field.Store.NO));
            double number = number(event.value(i));
            if (!Double.isNaN(number)) {
                d.add(new DoublePoint(NUMERIC + name, number));
            }
        }
        return d;
    }

    /**
     * The minimal document (ids, times, source, stored bytes): what is indexed when the full document is refused, so
     * that an event is always stored and verifiable even when its fields cannot be indexed.
     */
    static Document metadata(
            long id, Instant receivedAt, Instant eventTime, String source, String application, byte[] canonical) {
        Document d = new Document();
        d.add(new LongField(ID, id, Field.Store.NO));
        d.add(new LongField(TIME, millis(eventTime != null ? eventTime : receivedAt), Field.Store.NO));
        d.add(new LongField(RECEIVED, millis(receivedAt), Field.Store.NO));
        d.add(new KeywordField(SOURCE, source, Field.Store.NO));
        if (application != null) {
            d.add(new KeywordField(APPLICATION, application, Field.Store.NO));
        }
        d.add(new StoredField(CANONICAL, canonical));
        return d;
    }

    /** The numeric value of a field value (numbers, and short numeric strings such as {@code "4688"}), else NaN. */
    static double number(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double x) {
            return x;
        }
        if (v instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (v instanceof BigDecimal b) {
            return b.doubleValue();
        }
        if (v instanceof String s && !s.isEmpty() && s.length() <= 24 && looksNumeric(s)) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static boolean looksNumeric(String s) {
        int i = s.charAt(0) == '-' ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        boolean dot = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
