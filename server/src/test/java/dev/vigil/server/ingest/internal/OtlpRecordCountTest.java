package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OTLP decoder's budget hooks: the allocation-free record count of a protobuf export equals what decoding yields
 * (several resources and scopes, empty records, unknown fields skipped), a malformed body counts -1, and each decoded
 * record is reported with a cost that grows with the resource attributes it inherits.
 */
class OtlpRecordCountTest {

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    static byte[] export(int resources, int scopes, int records, int resourceAttributes) {
        ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
        for (int r = 0; r < resources; r++) {
            Resource.Builder res = Resource.newBuilder().addAttributes(attr("service.name", "svc-" + r));
            for (int a = 0; a < resourceAttributes; a++) {
                res.addAttributes(attr("k" + a, "v" + a));
            }
            ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(res).setSchemaUrl("https://x/" + r);
            for (int s = 0; s < scopes; s++) {
                ScopeLogs.Builder sl = ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("scope-" + s));
                for (int i = 0; i < records; i++) {
                    sl.addLogRecords(
                            i % 2 == 0
                                    ? LogRecord.getDefaultInstance()
                                    : LogRecord.newBuilder()
                                            .setBody(AnyValue.newBuilder().setStringValue("m" + i))
                                            .addAttributes(attr("a", "b"))
                                            .build());
                }
                rl.addScopeLogs(sl);
            }
            req.addResourceLogs(rl);
        }
        return req.build().toByteArray();
    }

    @Test
    void theCountEqualsTheDecodedRecords() throws Exception {
        for (int[] shape : new int[][] {{0, 0, 0, 0}, {1, 1, 1, 0}, {3, 2, 7, 4}, {2, 3, 0, 1}, {1, 1, 1000, 50}}) {
            byte[] body = export(shape[0], shape[1], shape[2], shape[3]);
            long count = OtlpLogsDecoder.countProtobufRecords(body);
            assertThat(count).isEqualTo(OtlpLogsDecoder.decodeProtobuf(body).size());
            assertThat(count).isEqualTo((long) shape[0] * shape[1] * shape[2]);
        }
    }

    @Test
    void aMalformedBodyCountsMinusOne() {
        byte[] body = export(1, 1, 10, 0);
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 3);
        assertThat(OtlpLogsDecoder.countProtobufRecords(cut)).isEqualTo(-1);
    }

    @Test
    void eachRecordIsChargedForTheAttributesItInherits() throws Exception {
        List<Long> small = new ArrayList<>();
        List<Long> large = new ArrayList<>();
        OtlpLogsDecoder.decodeProtobuf(export(1, 1, 4, 0), small::add);
        OtlpLogsDecoder.decodeProtobuf(export(1, 1, 4, 100), large::add);
        assertThat(small).hasSize(4);
        assertThat(large).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(large.get(i) - small.get(i)).isGreaterThanOrEqualTo(100L * 40);
        }
        List<Long> json = new ArrayList<>();
        OtlpLogsDecoder.decodeJson("""
                {"resourceLogs":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"b"}}]},
                 "scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}},{"body":{"stringValue":"y"}}]}]}]}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8), json::add);
        assertThat(json).hasSize(2).allSatisfy(c -> assertThat(c).isPositive());
    }
}
