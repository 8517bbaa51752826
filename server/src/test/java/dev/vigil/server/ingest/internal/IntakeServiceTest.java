package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.ingest.IngestPipeline;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport-independent intake core: counting, partial success, append-only bulk, drops when full. */
class IntakeServiceTest {
    final InstantSource clock = InstantSource.fixed(Instant.parse("2025-06-01T12:00:00Z"));
    final SourceRegistry registry = new SourceRegistry(clock);
    final CountDownLatch release = new CountDownLatch(1);
    IngestPipeline pipeline;

    IntakeService service(long queueEvents, boolean blockSink) {
        pipeline = new IngestPipeline(queueEvents, 1 << 24, 1, b -> {
            if (blockSink) {
                release.await();
            }
        });
        return new IntakeService(registry, pipeline, clock, new IntakeService.Limits(300, 1 << 20, 100));
    }

    @AfterEach
    void close() {
        release.countDown();
        pipeline.close();
    }

    @Test
    void otlpRecordsOverTheCapAreRejectedAsPartialSuccess() {
        IntakeService s = service(1000, false);
        ScopeLogs.Builder scope = ScopeLogs.newBuilder()
                .addLogRecords(
                        LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("small")))
                .addLogRecords(
                        LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("x".repeat(400))));
        byte[] body = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
                .build()
                .toByteArray();
        IntakeService.OtlpResult r = s.ingestOtlp(body, false, null);
        assertThat(r.status()).isEqualTo(IntakeService.Status.ACCEPTED);
        assertThat(r.accepted()).isEqualTo(1);
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(r.message()).startsWith("record 2: log record of").contains("exceeds the 300-byte limit");
        assertThat(s.stats("default-otlp").orElseThrow().rejected()).isEqualTo(1);
    }

    @Test
    void bulkIsAppendOnlyPerItemAndNeedsADocumentAfterEachIndexAction() throws Exception {
        IntakeService s = service(1000, false);
        String body = "{\"update\":{\"_index\":\"i\",\"_id\":\"1\"}}\n{\"doc\":{\"a\":1}}\n"
                + "{\"index\":{\"_index\":\"i\"}}\n{\"a\":2}\n";
        var r = s.ingestBulk(null, stream(body), false, null);
        assertThat(r.items()).extracting(IntakeService.BulkItem::status).containsExactly(400, 201);
        var missing = s.ingestBulk("i", stream("{\"index\":{}}\n"), false, null);
        assertThat(missing.status()).isEqualTo(IntakeService.Status.BAD_BODY);
        assertThat(missing.message()).contains("has no document");
        var noIndex = s.ingestBulk(null, stream("{\"create\":{}}\n{\"a\":1}\n"), false, null);
        assertThat(noIndex.items().get(0).errorReason()).isEqualTo("index is missing");
    }

    @Test
    void whenFullHttpIsRefusedUncountedAndUdpIsDroppedAndCounted() throws Exception {
        IntakeService s = service(10, true);
        String ten = "{\"a\":1}\n".repeat(10);
        assertThat(s.ingestLines("default-http", stream(ten), false).status()).isEqualTo(IntakeService.Status.ACCEPTED);
        var busy = s.ingestLines("default-http", stream(ten), false);
        assertThat(busy.status()).isEqualTo(IntakeService.Status.BUSY);
        assertThat(s.stats("default-http").orElseThrow().accepted()).isEqualTo(10);
        assertThat(s.throttledRequests()).isEqualTo(1);

        var sender = new InetSocketAddress("127.0.0.1", 40000);
        List<SyslogFrame> frames = List.of(
                new SyslogFrame.Text("<13>Jun  1 11:59:00 h app: one", 30),
                new SyslogFrame.Text("no pri", 6),
                new SyslogFrame.Invalid("invalid UTF-8 at byte 3", 9));
        assertThat(s.submit(SyslogIntake.Transport.UDP, sender, frames, false)).isFalse();
        var stats = s.stats("default-syslog").orElseThrow();
        assertThat(stats.dropped()).isEqualTo(1);
        assertThat(stats.rejected()).isEqualTo(2);
        assertThat(s.recentRejections("default-syslog"))
                .extracting(dev.vigil.server.ingest.Rejection::reason)
                .containsExactly("invalid UTF-8 at byte 3", "missing <PRI> at the start of the syslog message");
        // TCP can wait: nothing is counted, the caller keeps the frames
        assertThat(s.submit(SyslogIntake.Transport.TCP, sender, frames.subList(0, 1), true))
                .isFalse();
        assertThat(s.stats("default-syslog").orElseThrow().dropped()).isEqualTo(1);
    }

    @Test
    void aRequestWithMoreRecordsThanThePipelineHoldsIsRefusedWholeNotBuffered() throws Exception {
        IntakeService s = service(10, false);
        var lines = s.ingestLines("default-http", stream("{\"a\":1}\n".repeat(11)), false);
        assertThat(lines.status()).isEqualTo(IntakeService.Status.TOO_LARGE);
        assertThat(lines.message())
                .isEqualTo(
                        "the request holds more than 10 records (the intake pipeline's capacity); send smaller requests");
        var rejectedLines = s.ingestLines("default-http", stream("not json\n".repeat(11)), false);
        assertThat(rejectedLines.status()).isEqualTo(IntakeService.Status.TOO_LARGE);
        var bulk = s.ingestBulk("i", stream("{\"create\":{}}\n{\"a\":1}\n".repeat(11)), false, null);
        assertThat(bulk.status()).isEqualTo(IntakeService.Status.TOO_LARGE);
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        for (int i = 0; i < 11; i++) {
            scope.addLogRecords(
                    LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("r" + i)));
        }
        byte[] otlp = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
                .build()
                .toByteArray();
        assertThat(s.ingestOtlp(otlp, false, null).status()).isEqualTo(IntakeService.Status.TOO_LARGE);
        assertThat(s.stats("default-http").orElseThrow().accepted()).isZero();
        assertThat(s.stats("default-http").orElseThrow().rejected()).isZero();
        assertThat(s.badBodies()).isEqualTo(4);
        var ten = s.ingestLines("default-http", stream("{\"a\":1}\n".repeat(10)), false);
        assertThat(ten.status()).isEqualTo(IntakeService.Status.ACCEPTED);
    }

    static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
