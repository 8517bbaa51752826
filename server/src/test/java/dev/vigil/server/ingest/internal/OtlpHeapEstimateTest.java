package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The in-flight gate's OTLP heap estimates against measured retained sizes (JOL's {@link GraphLayout#totalSize}):
 * for representative exports — a bare record, many attributes, short and long bodies (Latin-1 and not), nested maps
 * and arrays, typed values, many records under a large resource — the per-record estimate ({@link
 * OtlpLogsDecoder#recordCost}) of each decoded field map (protobuf and JSON) and the estimate of the parsed protobuf
 * request ({@link OtlpLogsDecoder#protobufHeap}) are upper bounds of what JOL measures, and at most twice it.
 */
class OtlpHeapEstimateTest {
    /** How far above the measured size an estimate may be. */
    static final double FACTOR = 2.0;

    static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    static AnyValue str(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    static AnyValue array(AnyValue... values) {
        return AnyValue.newBuilder()
                .setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values)))
                .build();
    }

    static AnyValue kvlist(KeyValue... values) {
        return AnyValue.newBuilder()
                .setKvlistValue(KeyValueList.newBuilder().addAllValues(List.of(values)))
                .build();
    }

    static LogRecord.Builder record(String body) {
        return LogRecord.newBuilder()
                .setTimeUnixNano(1_763_900_000_000_000_000L)
                .setObservedTimeUnixNano(1_763_900_000_100_000_000L)
                .setSeverityNumberValue(9)
                .setSeverityText("INFO")
                .setBody(str(body));
    }

    static ExportLogsServiceRequest export(Resource resource, InstrumentationScope scope, List<LogRecord> records) {
        return ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder()
                        .setResource(resource)
                        .addScopeLogs(ScopeLogs.newBuilder().setScope(scope).addAllLogRecords(records)))
                .build();
    }

    static Resource resource(int attributes) {
        Resource.Builder r = Resource.newBuilder().addAttributes(kv("service.name", str("checkout")));
        for (int i = 0; i < attributes; i++) {
            r.addAttributes(kv("deployment.attribute." + i, str("value-" + i + "-of-the-resource")));
        }
        return r.build();
    }

    static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder()
            .setName("io.opentelemetry.logback")
            .setVersion("2.11.0")
            .build();

    static Map<String, ExportLogsServiceRequest> exports() {
        Map<String, ExportLogsServiceRequest> m = new LinkedHashMap<>();
        m.put(
                "bare record",
                export(
                        Resource.getDefaultInstance(),
                        InstrumentationScope.getDefaultInstance(),
                        List.of(LogRecord.newBuilder().setBody(str("ok")).build())));
        m.put(
                "short body, few attributes",
                export(
                        resource(2),
                        SCOPE,
                        List.of(record("user alice logged in")
                                .addAttributes(kv("user", str("alice")))
                                .addAttributes(kv(
                                        "http.status_code",
                                        AnyValue.newBuilder().setIntValue(200).build()))
                                .build())));
        LogRecord.Builder many = record("GET /api/orders 200");
        for (int i = 0; i < 60; i++) {
            many.addAttributes(kv("attr." + i, str("v" + i)));
        }
        m.put("many attributes", export(resource(5), SCOPE, List.of(many.build())));
        m.put(
                "long Latin-1 body",
                export(resource(3), SCOPE, List.of(record("x".repeat(64 * 1024)).build())));
        m.put(
                "long non-Latin-1 body",
                export(
                        resource(3),
                        SCOPE,
                        List.of(record("Привет, мир! ".repeat(4000)).build())));
        m.put(
                "nested maps and arrays",
                export(
                        resource(3),
                        SCOPE,
                        List.of(LogRecord.newBuilder()
                                .setBody(kvlist(
                                        kv("event", str("payment")),
                                        kv(
                                                "items",
                                                array(
                                                        str("a"),
                                                        str("b"),
                                                        kvlist(kv("sku", str("A-1")), kv("qty", str("2"))))),
                                        kv(
                                                "deep",
                                                kvlist(kv(
                                                        "deeper",
                                                        kvlist(kv(
                                                                "deepest",
                                                                array(str("x"), array(str("y"), str("z"))))))))))
                                .addAttributes(kv("tags", array(str("one"), str("two"), str("three"))))
                                .addAttributes(kv(
                                        "ratio",
                                        AnyValue.newBuilder()
                                                .setDoubleValue(0.25)
                                                .build()))
                                .addAttributes(kv(
                                        "ok",
                                        AnyValue.newBuilder().setBoolValue(true).build()))
                                .addAttributes(kv(
                                        "blob",
                                        AnyValue.newBuilder()
                                                .setBytesValue(
                                                        ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))
                                                .build()))
                                .setTraceId(ByteString.copyFrom(new byte[16]))
                                .setSpanId(ByteString.copyFrom(new byte[8]))
                                .setFlags(1)
                                .setEventName("checkout.payment")
                                .build())));
        List<LogRecord> tiny = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tiny.add(record("m" + i)
                    .addAttributes(kv("i", str(Integer.toString(i))))
                    .build());
        }
        m.put("200 tiny records under a large resource", export(resource(40), SCOPE, tiny));
        return m;
    }

    @Test
    void theRecordEstimateBoundsTheMeasuredMapWithinAFactorOfTwo() throws Exception {
        for (Map.Entry<String, ExportLogsServiceRequest> e : exports().entrySet()) {
            byte[] protobuf = e.getValue().toByteArray();
            byte[] json = json(e.getValue()).getBytes(StandardCharsets.UTF_8);
            check(e.getKey() + " (protobuf)", OtlpLogsDecoder.decodeProtobuf(protobuf));
            check(e.getKey() + " (JSON)", OtlpLogsDecoder.decodeJson(json));
        }
    }

    static void check(String what, List<OtlpLogsDecoder.Decoded> records) {
        assertThat(records).as(what).isNotEmpty();
        for (OtlpLogsDecoder.Decoded d : records) {
            assertThat(d.invalid()).as(what).isNull();
            long measured = GraphLayout.parseInstance(d.fields()).totalSize();
            long estimate = OtlpLogsDecoder.recordCost(d.fields());
            assertBound(what + ", record of " + d.fields().size() + " fields", estimate, measured);
        }
    }

    @Test
    void theProtobufEstimateBoundsTheParsedRequestWithinAFactorOfTwo() throws Exception {
        for (Map.Entry<String, ExportLogsServiceRequest> e : exports().entrySet()) {
            byte[] body = e.getValue().toByteArray();
            ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(body);
            // what parsing retains beyond the shared default instances (present before any request)
            long measured =
                    GraphLayout.parseInstance(parsed).subtract(defaults()).totalSize();
            assertBound(e.getKey() + " (parsed request)", OtlpLogsDecoder.protobufHeap(body), measured);
            assertThat(OtlpLogsDecoder.countProtobufRecords(body))
                    .isEqualTo(e.getValue().getResourceLogs(0).getScopeLogs(0).getLogRecordsCount());
        }
    }

    /** The short export with fields a newer sender knows and this version does not, in its log record. */
    static byte[] withUnknownFields() {
        ExportLogsServiceRequest request = exports().get("short body, few attributes");
        LogRecord withUnknown = LogRecord.newBuilder(
                        request.getResourceLogs(0).getScopeLogs(0).getLogRecords(0))
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(
                                99,
                                com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(ByteString.copyFromUtf8("z".repeat(300)))
                                        .build())
                        .addField(
                                98,
                                com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                        .addVarint(7)
                                        .build())
                        .build())
                .build();
        return export(request.getResourceLogs(0).getResource(), SCOPE, List.of(withUnknown))
                .toByteArray();
    }

    @Test
    void unknownFieldsAreChargedToo() throws Exception {
        byte[] body = withUnknownFields();
        ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(body);
        long measured = GraphLayout.parseInstance(parsed).subtract(defaults()).totalSize();
        assertBound("unknown fields (parsed request)", OtlpLogsDecoder.protobufHeap(body), measured);
        byte[] known = exports().get("short body, few attributes").toByteArray();
        assertThat(OtlpLogsDecoder.protobufHeap(body)).isGreaterThan(OtlpLogsDecoder.protobufHeap(known) + 300);
    }

    @Test
    void aMalformedBodyHasNoEstimate() {
        byte[] body = exports().get("many attributes").toByteArray();
        assertThat(OtlpLogsDecoder.protobufHeap(java.util.Arrays.copyOf(body, body.length - 3)))
                .isEqualTo(-1);
    }

    /** The OTLP JSON encoding of a request (as an OpenTelemetry SDK or Collector sends it). */
    static String json(ExportLogsServiceRequest request) {
        tools.jackson.databind.node.JsonNodeFactory f = tools.jackson.databind.node.JsonNodeFactory.instance;
        tools.jackson.databind.node.ObjectNode root = f.objectNode();
        tools.jackson.databind.node.ArrayNode rls = root.putArray("resourceLogs");
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            tools.jackson.databind.node.ObjectNode r = rls.addObject();
            attributes(r.putObject("resource"), rl.getResource().getAttributesList());
            tools.jackson.databind.node.ArrayNode sls = r.putArray("scopeLogs");
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                tools.jackson.databind.node.ObjectNode so = sls.addObject();
                tools.jackson.databind.node.ObjectNode scope = so.putObject("scope");
                scope.put("name", sl.getScope().getName())
                        .put("version", sl.getScope().getVersion());
                tools.jackson.databind.node.ArrayNode lrs = so.putArray("logRecords");
                for (LogRecord lr : sl.getLogRecordsList()) {
                    tools.jackson.databind.node.ObjectNode o = lrs.addObject();
                    o.put("timeUnixNano", Long.toUnsignedString(lr.getTimeUnixNano()));
                    o.put("observedTimeUnixNano", Long.toUnsignedString(lr.getObservedTimeUnixNano()));
                    o.put("severityNumber", lr.getSeverityNumberValue());
                    o.put("severityText", lr.getSeverityText());
                    if (lr.hasBody()) o.set("body", anyValue(lr.getBody()));
                    attributes(o, lr.getAttributesList());
                    o.put("traceId", hex.formatHex(lr.getTraceId().toByteArray()));
                    o.put("spanId", hex.formatHex(lr.getSpanId().toByteArray()));
                    o.put("flags", lr.getFlags());
                    o.put("eventName", lr.getEventName());
                }
            }
        }
        return root.toString();
    }

    static void attributes(tools.jackson.databind.node.ObjectNode o, List<KeyValue> kvs) {
        tools.jackson.databind.node.ArrayNode a = o.putArray("attributes");
        for (KeyValue kv : kvs) a.addObject().put("key", kv.getKey()).set("value", anyValue(kv.getValue()));
    }

    static tools.jackson.databind.node.ObjectNode anyValue(AnyValue v) {
        tools.jackson.databind.node.ObjectNode o = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        switch (v.getValueCase()) {
            case STRING_VALUE -> o.put("stringValue", v.getStringValue());
            case BOOL_VALUE -> o.put("boolValue", v.getBoolValue());
            case INT_VALUE -> o.put("intValue", Long.toString(v.getIntValue()));
            case DOUBLE_VALUE -> o.put("doubleValue", v.getDoubleValue());
            case BYTES_VALUE ->
                o.put(
                        "bytesValue",
                        java.util.Base64.getEncoder()
                                .encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                tools.jackson.databind.node.ArrayNode a =
                        o.putObject("arrayValue").putArray("values");
                for (AnyValue x : v.getArrayValue().getValuesList()) a.add(anyValue(x));
            }
            case KVLIST_VALUE -> {
                tools.jackson.databind.node.ArrayNode a =
                        o.putObject("kvlistValue").putArray("values");
                for (KeyValue kv : v.getKvlistValue().getValuesList())
                    a.addObject().put("key", kv.getKey()).set("value", anyValue(kv.getValue()));
            }
            default -> {}
        }
        return o;
    }

    /** The default instances and other singletons a parsed request may point to. */
    static GraphLayout defaults() {
        Function<Object, GraphLayout> g = GraphLayout::parseInstance;
        return g.apply(new Object[] {
            ExportLogsServiceRequest.getDefaultInstance(),
            ResourceLogs.getDefaultInstance(),
            ScopeLogs.getDefaultInstance(),
            LogRecord.getDefaultInstance(),
            Resource.getDefaultInstance(),
            InstrumentationScope.getDefaultInstance(),
            KeyValue.getDefaultInstance(),
            AnyValue.getDefaultInstance(),
            ArrayValue.getDefaultInstance(),
            KeyValueList.getDefaultInstance(),
            com.google.protobuf.UnknownFieldSet.getDefaultInstance(),
            ByteString.EMPTY,
            ""
        });
    }

    static void assertBound(String what, long estimate, long measured) {
        assertThat(estimate)
                .as("%s: estimate %d bytes, measured %d bytes", what, estimate, measured)
                .isGreaterThanOrEqualTo(measured)
                .isLessThanOrEqualTo((long) (FACTOR * measured));
    }
}
