package dev.vigil.server.ingest.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes an OTLP/HTTP logs export ({@code ExportLogsServiceRequest}) in protobuf or the OTLP JSON encoding (lower
 * camel case field names — snake case accepted too —, trace and span ids in hex, 64-bit integers as strings or
 * numbers) into event fields named after the OpenTelemetry log data model:
 *
 * <pre>
 * @timestamp, observed_timestamp, severity_text, severity_number, message (string body) or body (structured),
 * trace_id, span_id, trace_flags, event_name, attributes.KEY, resource.attributes.KEY,
 * scope.name, scope.version, scope.attributes.KEY
 * </pre>
 *
 * {@code resource.attributes.service.name} is also reported as the record's service (the owning application when the
 * source names none). A body that is not a valid request fails whole with a reason ({@link InvalidBody}); protobuf
 * that parses but holds only unknown fields is garbage and refused as such. In JSON, a bad field inside one log
 * record fails only that record ({@link Decoded#invalid()}).
 */
public final class OtlpLogsDecoder {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();

    private OtlpLogsDecoder() {}

    /**
     * One log record: its fields and the service that sent it (nullable); or, when {@code invalid} is set, the reason
     * this one record could not be decoded (its neighbours still are).
     */
    public record Decoded(Map<String, Object> fields, String service, String invalid) {
        Decoded(Map<String, Object> fields, String service) {
            this(fields, service, null);
        }
    }

    public static final class InvalidBody extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidBody(String message) {
            super(message, null, false, false);
        }
    }

    public static List<Decoded> decodeProtobuf(byte[] body) throws InvalidBody {
        return decodeProtobuf(body, cost -> {});
    }

    /**
     * The heap one decoded record's field map is estimated to take: every record gets its own map holding the
     * resource's and scope's attributes too, so a compact export (thousands of tiny records under one resource with
     * many attributes) expands far beyond its body. Told to the caller per record (it may throw to stop decoding).
     *
     * <p>An upper bound of the map's retained size (checked against JOL's measure in {@code OtlpHeapEstimateTest};
     * 64-bit JVM with compressed references, the default below 32 GB of heap): the {@link LinkedHashMap} and its
     * table, an entry per field, every key and value string (Latin-1 one byte a character, otherwise two), boxed
     * numbers, and nested lists and maps (arrays, key-value lists) recursively. Strings the records share (the
     * resource's and scope's attribute names and values) are charged to every record: what a record would retain
     * alone.
     */
    static long recordCost(Map<String, Object> fields) {
        return HeapEstimate.map(fields);
    }

    /**
     * Object sizes for {@link #recordCost} and {@link #protobufHeap}, in bytes, as HotSpot lays objects out on a
     * 64-bit JVM with compressed references and class pointers (12-byte header, 4-byte references, 8-byte alignment).
     */
    static final class HeapEstimate {
        static final int REF = 4;
        /** {@link String}: header, value reference, hash, coder, hashIsZero. */
        static final long STRING = 24;
        /** An array's header (with its length). */
        static final long ARRAY = 16;
        /**
         * {@link LinkedHashMap} itself (HashMap's fields, head, tail, accessOrder) and its entry-set view (cached once
         * the map is iterated, as {@code putAll} and the pipeline do).
         */
        static final long LINKED_HASH_MAP = 64 + 24;
        /** {@code LinkedHashMap.Entry}: hash, key, value, next, before, after. */
        static final long LINKED_ENTRY = 40;
        /** {@link ArrayList} itself. */
        static final long ARRAY_LIST = 24;
        /** A boxed {@link Long} or {@link Double} (a {@link Boolean} is a shared 16). */
        static final long BOX = 24;

        private HeapEstimate() {}

        static long align(long n) {
            return (n + 7) & ~7L;
        }

        static long string(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) > 0xFF) {
                    return STRING + align(ARRAY + 2L * n); // UTF-16
                }
            }
            return STRING + align(ARRAY + n); // Latin-1 (compact strings)
        }

        /** A hash table sized for {@code n} entries at load factor 0.75 (the larger of put-by-put and putAll). */
        static long table(int n) {
            if (n == 0) {
                return 0;
            }
            int cap = Math.max(16, Integer.highestOneBit((int) (n / 0.75f + 1.0f)) << 1);
            return align(ARRAY + (long) REF * cap);
        }

        static long map(Map<?, ?> m) {
            if (m.isEmpty()) {
                return LINKED_HASH_MAP;
            }
            long n = LINKED_HASH_MAP + table(m.size()) + LINKED_ENTRY * m.size();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += value(e.getKey()) + value(e.getValue());
            }
            return n;
        }

        static long value(Object v) {
            return switch (v) {
                case null -> 0;
                case String s -> string(s);
                case Map<?, ?> m -> map(m);
                case List<?> l -> list(l);
                default -> BOX;
            };
        }

        /** A list of {@code n} values built by appending (capacity up to 1.5 times the size, at least 10). */
        static long list(List<?> l) {
            int n = l.size();
            long cap = n == 0 ? 0 : Math.max(10, n + (n >> 1) + 1);
            long size = ARRAY_LIST + align(ARRAY + REF * cap);
            for (Object v : l) {
                size += value(v);
            }
            return size;
        }
    }

    /**
     * The number of log records in a protobuf {@code ExportLogsServiceRequest}, counted without decoding it (one
     * pass, no allocation per record), so a request is refused for its record count, or charged for them, before
     * protobuf-java materialises every record; -1 when the body is malformed ({@link #decodeProtobuf} says why).
     */
    static long countProtobufRecords(byte[] body) {
        Shape s = protobufShape(body);
        return s == null ? -1 : s.records();
    }

    /**
     * What a protobuf request holds, measured in one pass over its bytes without decoding it.
     *
     * @param records its log records
     * @param heap an upper bound of the heap protobuf-java's parsed request takes beyond the body ({@link
     *     #protobufHeap})
     */
    record Shape(long records, long heap) {}

    /** The {@link Shape} of a protobuf request, or null when the body is malformed. */
    static Shape protobufShape(byte[] body) {
        try {
            long[] acc = new long[2];
            walk(com.google.protobuf.CodedInputStream.newInstance(body), Pb.REQUEST, body, acc, 0);
            return new Shape(acc[0], acc[1] + Pb.REQUEST.size);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The heap protobuf-java's parsed {@code ExportLogsServiceRequest} takes (beyond the body), estimated without
     * parsing it: every message object by its type (ResourceLogs, ScopeLogs, LogRecord, KeyValue, AnyValue, …),
     * every repeated field's list, every string and bytes value (a {@link String} — Latin-1 unless its UTF-8 has a
     * character beyond U+00FF — or a copied {@code ByteString}), and the unknown fields kept. An upper bound of JOL's
     * measure of the parsed request ({@code OtlpHeapEstimateTest}); -1 when the body is malformed.
     */
    static long protobufHeap(byte[] body) {
        Shape s = protobufShape(body);
        return s == null ? -1 : s.heap();
    }

    /** Markers of what a length-delimited field holds besides a message. */
    private static final Object STRING = new Object();

    private static final Object BYTES = new Object();

    /**
     * The OTLP logs messages (opentelemetry-proto {@code logs/v1}, {@code common/v1}, {@code resource/v1}): each with
     * its object size in protobuf-java and what its length-delimited fields hold (a message type, a string, bytes).
     */
    private enum Pb {
        REQUEST(32),
        RESOURCE_LOGS(48),
        RESOURCE(40),
        SCOPE_LOGS(48),
        SCOPE(48),
        LOG_RECORD(88),
        KEY_VALUE(48),
        ANY_VALUE(40),
        ARRAY_VALUE(32),
        KV_LIST(32),
        /** A message this walk does not model (entity references, future fields): charged by its bytes. */
        OPAQUE(24);

        /** The message object (header, fields, memoized size and hash, unknown-field set reference). */
        final long size;

        Pb(long size) {
            this.size = size;
        }

        /** A repeated field's list: an {@link ArrayList} (capacity at least 10) behind an unmodifiable wrapper. */
        static final long LIST = 16 + HeapEstimate.ARRAY_LIST + HeapEstimate.ARRAY + 10 * HeapEstimate.REF;
        /** A {@code ByteString} copied out of the body (object and its array header). */
        static final long BYTE_STRING = 24 + HeapEstimate.ARRAY;
        /** An unknown field kept in the message's {@code UnknownFieldSet} (set, map entry, field, its list). */
        static final long UNKNOWN = 160;

        /** What length-delimited field {@code number} holds: a message type, {@link #STRING}, {@link #BYTES}, null. */
        Object field(int number) {
            return switch (this) {
                case REQUEST -> number == 1 ? RESOURCE_LOGS : null;
                case RESOURCE_LOGS -> number == 1 ? RESOURCE : number == 2 ? SCOPE_LOGS : number == 3 ? STRING : null;
                case RESOURCE -> number == 1 ? KEY_VALUE : number == 3 ? OPAQUE : null;
                case SCOPE_LOGS -> number == 1 ? SCOPE : number == 2 ? LOG_RECORD : number == 3 ? STRING : null;
                case SCOPE -> number == 1 || number == 2 ? STRING : number == 3 ? KEY_VALUE : null;
                case LOG_RECORD ->
                    switch (number) {
                        case 3, 12 -> STRING;
                        case 5 -> ANY_VALUE;
                        case 6 -> KEY_VALUE;
                        case 9, 10 -> BYTES;
                        default -> null;
                    };
                case KEY_VALUE -> number == 1 ? STRING : number == 2 ? ANY_VALUE : null;
                case ANY_VALUE ->
                    switch (number) {
                        case 1 -> STRING;
                        case 5 -> ARRAY_VALUE;
                        case 6 -> KV_LIST;
                        case 7 -> BYTES;
                        default -> null;
                    };
                case ARRAY_VALUE -> number == 1 ? ANY_VALUE : null;
                case KV_LIST -> number == 1 ? KEY_VALUE : null;
                case OPAQUE -> null;
            };
        }

        /** Whether field {@code number} is repeated (its values are kept in a list). */
        boolean repeated(int number) {
            return switch (this) {
                case REQUEST, ARRAY_VALUE, KV_LIST -> number == 1;
                case RESOURCE -> number == 1 || number == 3;
                case RESOURCE_LOGS, SCOPE_LOGS -> number == 2;
                case SCOPE -> number == 3;
                case LOG_RECORD -> number == 6;
                default -> false;
            };
        }

        /** Whether field {@code number} is a known varint or fixed-size field (kept in the message object). */
        boolean scalar(int number) {
            return switch (this) {
                case RESOURCE -> number == 2;
                case SCOPE -> number == 4;
                case LOG_RECORD -> number == 1 || number == 2 || number == 7 || number == 8 || number == 11;
                case ANY_VALUE -> number == 2 || number == 3 || number == 4;
                default -> false;
            };
        }
    }

    /**
     * Walks one message's fields (until the current limit): counts log records into {@code acc[0]} and adds the heap
     * of the sub-messages, lists, strings and unknown fields it will be parsed into to {@code acc[1]}.
     */
    private static void walk(com.google.protobuf.CodedInputStream in, Pb type, byte[] body, long[] acc, int depth)
            throws java.io.IOException {
        if (depth > 100) {
            throw new com.google.protobuf.InvalidProtocolBufferException("nested too deeply");
        }
        long repeatedSeen = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            int number = com.google.protobuf.WireFormat.getTagFieldNumber(tag);
            if (com.google.protobuf.WireFormat.getTagWireType(tag)
                    != com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                if (!type.scalar(number)) {
                    acc[1] += Pb.UNKNOWN; // kept in the message's unknown fields
                } else if (type == Pb.ANY_VALUE) {
                    acc[1] += HeapEstimate.BOX; // the value of the one-of, boxed
                }
                if (!in.skipField(tag)) {
                    return;
                }
                continue;
            }
            int length = in.readRawVarint32();
            int left = in.getBytesUntilLimit();
            if (length < 0 || length > body.length - in.getTotalBytesRead() || (left >= 0 && length > left)) {
                throw new com.google.protobuf.InvalidProtocolBufferException("truncated message");
            }
            if (type.repeated(number)) {
                if (number < 64 && (repeatedSeen & (1L << number)) == 0) {
                    repeatedSeen |= 1L << number;
                    acc[1] += Pb.LIST;
                }
                acc[1] += 2L * HeapEstimate.REF; // the element's slot, with the list's growth slack
            }
            Object kind = type.field(number);
            if (kind instanceof Pb sub) {
                if (sub == Pb.LOG_RECORD) {
                    acc[0]++;
                }
                acc[1] += sub.size;
                if (sub == Pb.OPAQUE) {
                    acc[1] += Pb.UNKNOWN + 4L * length;
                    in.skipRawBytes(length);
                } else {
                    int limit = in.pushLimit(length);
                    walk(in, sub, body, acc, depth + 1);
                    in.popLimit(limit);
                }
            } else if (kind == STRING) {
                int at = in.getTotalBytesRead();
                boolean wide = false;
                long chars = 0;
                for (int i = at; i < at + length; i++) {
                    int b = body[i] & 0xFF;
                    // a UTF-8 lead byte of a character beyond U+00FF makes the String UTF-16; every byte but a
                    // continuation starts a character (four-byte sequences: two, a surrogate pair)
                    wide |= b >= 0xC4;
                    chars += (b & 0xC0) == 0x80 ? 0 : b >= 0xF0 ? 2 : 1;
                }
                acc[1] += HeapEstimate.STRING + HeapEstimate.align(HeapEstimate.ARRAY + (wide ? 2 * chars : chars));
                in.skipRawBytes(length);
            } else if (kind == BYTES) {
                acc[1] += Pb.BYTE_STRING + HeapEstimate.align(length);
                in.skipRawBytes(length);
            } else {
                acc[1] += Pb.UNKNOWN + HeapEstimate.align(HeapEstimate.ARRAY + length);
                in.skipRawBytes(length);
            }
        }
    }

    /** As {@link #decodeProtobuf(byte[])}, telling {@code perRecord} each decoded record's {@link #recordCost}. */
    public static List<Decoded> decodeProtobuf(byte[] body, java.util.function.LongConsumer perRecord)
            throws InvalidBody {
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidBody("invalid OTLP protobuf: " + e.getMessage());
        }
        if (body.length > 0 && request.getResourceLogsCount() == 0) {
            throw new InvalidBody("invalid OTLP protobuf: not an ExportLogsServiceRequest (no resource_logs field)");
        }
        List<Decoded> out = new ArrayList<>();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, Object> resource = new LinkedHashMap<>();
            String service = null;
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                Object v = value(kv.getValue());
                resource.put("resource.attributes." + kv.getKey(), v);
                if (kv.getKey().equals("service.name") && v instanceof String s) {
                    service = s;
                }
            }
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                Map<String, Object> scope = new LinkedHashMap<>();
                if (sl.hasScope()) {
                    putIfNotEmpty(scope, "scope.name", sl.getScope().getName());
                    putIfNotEmpty(scope, "scope.version", sl.getScope().getVersion());
                    for (KeyValue kv : sl.getScope().getAttributesList()) {
                        scope.put("scope.attributes." + kv.getKey(), value(kv.getValue()));
                    }
                }
                for (LogRecord r : sl.getLogRecordsList()) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    long time = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
                    if (time != 0) {
                        f.put("@timestamp", nanos(time));
                    }
                    if (r.getObservedTimeUnixNano() != 0) {
                        f.put("observed_timestamp", nanos(r.getObservedTimeUnixNano()));
                    }
                    putIfNotEmpty(f, "severity_text", r.getSeverityText());
                    if (r.getSeverityNumberValue() != 0) {
                        f.put("severity_number", (long) r.getSeverityNumberValue());
                    }
                    if (r.hasBody()) {
                        Object b = value(r.getBody());
                        f.put(b instanceof String ? "message" : "body", b);
                    }
                    if (!r.getTraceId().isEmpty()) {
                        f.put("trace_id", HEX.formatHex(r.getTraceId().toByteArray()));
                    }
                    if (!r.getSpanId().isEmpty()) {
                        f.put("span_id", HEX.formatHex(r.getSpanId().toByteArray()));
                    }
                    if (r.getFlags() != 0) {
                        f.put("trace_flags", (long) r.getFlags());
                    }
                    putIfNotEmpty(f, "event_name", r.getEventName());
                    for (KeyValue kv : r.getAttributesList()) {
                        f.put("attributes." + kv.getKey(), value(kv.getValue()));
                    }
                    f.putAll(scope);
                    f.putAll(resource);
                    out.add(new Decoded(f, service));
                    perRecord.accept(recordCost(f));
                }
            }
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BYTES_VALUE -> base64(v.getBytesValue());
            case ARRAY_VALUE -> {
                List<Object> list = new ArrayList<>(v.getArrayValue().getValuesCount());
                for (AnyValue x : v.getArrayValue().getValuesList()) {
                    list.add(value(x));
                }
                yield list;
            }
            case KVLIST_VALUE -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    map.put(kv.getKey(), value(kv.getValue()));
                }
                yield map;
            }
            default -> null;
        };
    }

    private static String base64(ByteString b) {
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    // ------------------------------------------------------------------------------------------------ JSON

    public static List<Decoded> decodeJson(byte[] body) throws InvalidBody {
        return decodeJson(body, cost -> {});
    }

    /** As {@link #decodeJson(byte[])}, telling {@code perRecord} each decoded record's {@link #recordCost}. */
    public static List<Decoded> decodeJson(byte[] body, java.util.function.LongConsumer perRecord) throws InvalidBody {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidBody("invalid OTLP JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidBody("invalid OTLP JSON: the body is not a JSON object");
        }
        JsonNode resourceLogs = field(root, "resourceLogs", "resource_logs");
        if (resourceLogs == null) {
            throw new InvalidBody("invalid OTLP JSON: no resourceLogs field");
        }
        List<Decoded> out = new ArrayList<>();
        for (JsonNode rl : array(resourceLogs, "resourceLogs")) {
            Map<String, Object> resource = new LinkedHashMap<>();
            String service = null;
            JsonNode res = field(rl, "resource", "resource");
            if (res != null) {
                for (JsonNode kv : array(field(res, "attributes", "attributes"), "resource.attributes")) {
                    String key = text(kv, "key");
                    Object v = jsonValue(field(kv, "value", "value"));
                    resource.put("resource.attributes." + key, v);
                    if (key.equals("service.name") && v instanceof String s) {
                        service = s;
                    }
                }
            }
            for (JsonNode sl : array(field(rl, "scopeLogs", "scope_logs"), "scopeLogs")) {
                Map<String, Object> scope = new LinkedHashMap<>();
                JsonNode sc = field(sl, "scope", "scope");
                if (sc != null) {
                    putIfNotEmpty(scope, "scope.name", text(sc, "name"));
                    putIfNotEmpty(scope, "scope.version", text(sc, "version"));
                    for (JsonNode kv : array(field(sc, "attributes", "attributes"), "scope.attributes")) {
                        scope.put("scope.attributes." + text(kv, "key"), jsonValue(field(kv, "value", "value")));
                    }
                }
                for (JsonNode r : array(field(sl, "logRecords", "log_records"), "logRecords")) {
                    try {
                        Map<String, Object> f = jsonRecord(r, scope, resource);
                        out.add(new Decoded(f, service));
                        perRecord.accept(recordCost(f));
                    } catch (InvalidBody e) {
                        out.add(new Decoded(Map.of(), service, e.getMessage()));
                        perRecord.accept(recordCost(Map.of()));
                    }
                }
            }
        }
        return out;
    }

    /** One OTLP JSON log record's fields; a bad field fails this record only. */
    private static Map<String, Object> jsonRecord(JsonNode r, Map<String, Object> scope, Map<String, Object> resource)
            throws InvalidBody {
        Map<String, Object> f = new LinkedHashMap<>();
        long time = uint64(field(r, "timeUnixNano", "time_unix_nano"), "timeUnixNano");
        long observed = uint64(field(r, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano");
        if (time != 0 || observed != 0) {
            f.put("@timestamp", nanos(time != 0 ? time : observed));
        }
        if (observed != 0) {
            f.put("observed_timestamp", nanos(observed));
        }
        putIfNotEmpty(f, "severity_text", textOf(field(r, "severityText", "severity_text")));
        long sev = uint64(field(r, "severityNumber", "severity_number"), "severityNumber");
        if (sev != 0) {
            f.put("severity_number", sev);
        }
        JsonNode bodyNode = field(r, "body", "body");
        if (bodyNode != null && !bodyNode.isNull()) {
            Object b = jsonValue(bodyNode);
            f.put(b instanceof String ? "message" : "body", b);
        }
        putIfNotEmpty(f, "trace_id", hexId(field(r, "traceId", "trace_id"), 16, "traceId"));
        putIfNotEmpty(f, "span_id", hexId(field(r, "spanId", "span_id"), 8, "spanId"));
        long flags = uint64(field(r, "flags", "flags"), "flags");
        if (flags != 0) {
            f.put("trace_flags", flags);
        }
        putIfNotEmpty(f, "event_name", textOf(field(r, "eventName", "event_name")));
        for (JsonNode kv : array(field(r, "attributes", "attributes"), "attributes")) {
            f.put("attributes." + text(kv, "key"), jsonValue(field(kv, "value", "value")));
        }
        f.putAll(scope);
        f.putAll(resource);
        return f;
    }

    private static Object jsonValue(JsonNode v) throws InvalidBody {
        if (v == null || v.isNull() || (v.isObject() && v.isEmpty())) {
            return null; // an empty AnyValue
        }
        if (!v.isObject()) {
            throw new InvalidBody("invalid OTLP JSON: AnyValue must be an object, found " + v.getNodeType());
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "stringValue", "string_value" -> x.asString();
            case "boolValue", "bool_value" -> x.asBoolean();
            case "intValue", "int_value" -> int64(x, "intValue");
            case "doubleValue", "double_value" -> x.asDouble();
            case "bytesValue", "bytes_value" -> x.asString();
            case "arrayValue", "array_value" -> {
                List<Object> list = new ArrayList<>();
                for (JsonNode item : array(field(x, "values", "values"), "arrayValue.values")) {
                    list.add(jsonValue(item));
                }
                yield list;
            }
            case "kvlistValue", "kvlist_value" -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonNode kv : array(field(x, "values", "values"), "kvlistValue.values")) {
                    map.put(text(kv, "key"), jsonValue(field(kv, "value", "value")));
                }
                yield map;
            }
            default -> throw new InvalidBody("invalid OTLP JSON: unknown AnyValue kind '" + e.getKey() + "'");
        };
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake);
    }

    private static Iterable<JsonNode> array(JsonNode node, String what) throws InvalidBody {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidBody("invalid OTLP JSON: " + what + " must be an array");
        }
        return node;
    }

    private static String text(JsonNode node, String name) throws InvalidBody {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isString()) {
            throw new InvalidBody("invalid OTLP JSON: " + name + " must be a string");
        }
        return v.asString();
    }

    private static String textOf(JsonNode v) {
        return v == null || v.isNull() ? "" : v.asString();
    }

    private static long uint64(JsonNode v, String name) throws InvalidBody {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isString()) {
            try {
                return Long.parseUnsignedLong(v.asString());
            } catch (NumberFormatException e) {
                throw new InvalidBody("invalid OTLP JSON: " + name + " '" + clip(v.asString()) + "' is not an integer");
            }
        }
        throw new InvalidBody("invalid OTLP JSON: " + name + " must be an integer");
    }

    private static long int64(JsonNode v, String name) throws InvalidBody {
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        try {
            return Long.parseLong(v.asString());
        } catch (NumberFormatException e) {
            throw new InvalidBody("invalid OTLP JSON: " + name + " '" + clip(v.asString()) + "' is not an integer");
        }
    }

    private static String hexId(JsonNode v, int bytes, String name) throws InvalidBody {
        if (v == null || v.isNull() || v.asString().isEmpty()) {
            return "";
        }
        String s = v.asString();
        if (s.length() != bytes * 2 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new InvalidBody("invalid OTLP JSON: " + name + " must be " + (bytes * 2) + " hex digits");
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static void putIfNotEmpty(Map<String, Object> f, String key, String v) {
        if (v != null && !v.isEmpty()) {
            f.put(key, v);
        }
    }

    private static String nanos(long unixNanos) {
        return Instant.ofEpochSecond(
                        Long.divideUnsigned(unixNanos, 1_000_000_000L),
                        Long.remainderUnsigned(unixNanos, 1_000_000_000L))
                .toString();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
