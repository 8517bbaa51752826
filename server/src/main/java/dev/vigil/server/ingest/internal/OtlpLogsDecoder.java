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
     */
    static long recordCost(Map<String, Object> fields) {
        return 64L + 48L * fields.size();
    }

    /**
     * Heap a protobuf log record is estimated to take while the whole request is parsed (message objects, their
     * lists and field values beyond the bytes of the body): an empty record is two bytes on the wire.
     */
    static final long PROTOBUF_RECORD_COST = 160;

    /**
     * The number of log records in a protobuf {@code ExportLogsServiceRequest}, counted without decoding it (one
     * pass, no allocation per record), so a request is refused for its record count, or charged for them, before
     * protobuf-java materialises every record; -1 when the body is malformed ({@link #decodeProtobuf} says why).
     */
    static long countProtobufRecords(byte[] body) {
        try {
            return count(com.google.protobuf.CodedInputStream.newInstance(body), 0);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** resource_logs (1) → scope_logs (2) → log_records (2). */
    private static final int[] RECORD_PATH = {1, 2, 2};

    private static long count(com.google.protobuf.CodedInputStream in, int depth) throws java.io.IOException {
        long n = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return n;
            }
            if (com.google.protobuf.WireFormat.getTagFieldNumber(tag) == RECORD_PATH[depth]
                    && com.google.protobuf.WireFormat.getTagWireType(tag)
                            == com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = in.readRawVarint32();
                if (depth == RECORD_PATH.length - 1) {
                    in.skipRawBytes(length);
                    n++;
                } else {
                    int limit = in.pushLimit(length);
                    n += count(in, depth + 1);
                    in.popLimit(limit);
                }
            } else if (!in.skipField(tag)) {
                return n;
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
