package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.pipeline.Pipeline;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.normalize.Normalizer;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * One record whose processing fails unexpectedly (here: a source's mapping pipeline throws a {@link RuntimeException}
 * for records carrying a poison value, standing in for a bug or a hostile value reaching a normalizer) is rejected
 * alone, with a reason, counted and listed among the source's rejections, while its neighbours in the same request,
 * read or connection are accepted and delivered. Through real clients: plain HTTP for NDJSON, the official
 * Elasticsearch Java client for {@code _bulk}, the OpenTelemetry SDK exporter for OTLP, TCP and UDP sockets for
 * syslog.
 */
@VigilServerTest
class RecordFailureIsolationTest {
    static final String POISON = "POISON-PILL";

    @LocalServerPort
    int port;

    @Autowired
    IngestPipeline pipeline;

    @Autowired
    SourceRegistry registry;

    @Autowired
    IntakeService intake;

    @Autowired
    SourceActivity activity;

    @Autowired
    IngestConfiguration.SyslogListeners syslog;

    final List<IngestedEvent> delivered = new CopyOnWriteArrayList<>();
    final Consumer<List<IngestedEvent>> listener = delivered::addAll;

    /** Sources named {@code faulty-*} get a mapping pipeline that throws on a poisoned record. */
    @BeforeEach
    void poisonFaultySources() {
        registry.decorateWith(c -> {
            if (!c.name().startsWith("faulty-")) {
                return c;
            }
            Normalizer n = c.normalizer();
            Pipeline inner = n.pipeline();
            Pipeline poisoned = new Pipeline() {
                @Override
                public String name() {
                    return "poisoned";
                }

                @Override
                public Event apply(Event event) {
                    for (int i = 0; i < event.size(); i++) {
                        String t = event.text(i);
                        if (t != null && t.contains(POISON)) {
                            throw new IllegalStateException("mapping bug triggered by " + POISON);
                        }
                    }
                    return inner.apply(event);
                }
            };
            Normalizer faulty = Normalizer.withPipeline(
                    n.sourceName(),
                    n.application(),
                    poisoned,
                    c.def().product(),
                    c.def().category(),
                    c.def().service());
            return new CompiledSource(c.def(), c.parser(), c.syslog(), c.matcher(), faulty, c.counters());
        });
        pipeline.addListener(listener);
    }

    @AfterEach
    void restore() {
        pipeline.removeListener(listener);
        registry.decorateWith(c -> c);
    }

    TestApi admin() {
        return TestApi.admin(port);
    }

    String createSource(String json) {
        var r = admin().postJson("/api/v1/sources", json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").get("token").asString();
    }

    @Test
    void ndjsonKeepsTheGoodLinesAndReportsTheFailedOne() throws Exception {
        String src = "faulty-http-" + System.nanoTime();
        createSource("{\"name\":\"" + src + "\",\"intake\":\"http\"}");
        long failuresBefore = intake.recordFailures();
        String m = "ndjson-" + System.nanoTime();
        var r = admin().post(
                        "/api/v1/ingest/" + src,
                        "application/x-ndjson",
                        "{\"msg\":\"" + m + "-1\"}\n{\"msg\":\"" + POISON + "\"}\n{\"msg\":\"" + m + "-3\"}\n");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(r.json().get("rejected").asInt()).isEqualTo(1);
        JsonNode err = r.json().get("errors").get(0);
        assertThat(err.get("line").asInt()).isEqualTo(2);
        assertThat(err.get("reason").asString())
                .contains("internal error")
                .contains("IllegalStateException")
                .contains("rejected alone");
        awaitDelivered(m + "-1");
        awaitDelivered(m + "-3");
        assertCounted(src, 2, 1);
        assertThat(intake.recordFailures()).isEqualTo(failuresBefore + 1);
        assertThat(admin().get("/api/v1/sources/" + src + "/rejections").body())
                .contains("IllegalStateException")
                .contains(POISON);
    }

    @Test
    void bulkReportsTheFailedItemLikeElasticsearchAndIndexesTheOthers() throws Exception {
        String src = "faulty-bulk-" + System.nanoTime();
        String token = createSource("{\"name\":\"" + src + "\",\"intake\":\"bulk\"}");
        String m = "bulk-" + System.nanoTime();
        try (ElasticsearchClient es =
                ElasticsearchClient.of(b -> b.host("http://127.0.0.1:" + port).apiKey(token))) {
            BulkResponse r = es.bulk(b -> b.index("logs-faulty")
                    .operations(op -> op.create(c -> c.document(Map.of("message", m + "-1"))))
                    .operations(op -> op.create(c -> c.document(Map.of("message", POISON))))
                    .operations(op -> op.index(i -> i.document(Map.of("message", m + "-3")))));
            assertThat(r.errors()).isTrue();
            assertThat(r.items()).hasSize(3);
            assertThat(r.items().get(0).status()).isEqualTo(201);
            assertThat(r.items().get(1).status()).isEqualTo(400);
            assertThat(r.items().get(1).error().type()).isEqualTo("document_processing_exception");
            assertThat(r.items().get(1).error().reason()).contains("internal error");
            assertThat(r.items().get(2).status()).isEqualTo(201);
        }
        awaitDelivered(m + "-1");
        awaitDelivered(m + "-3");
        assertCounted(src, 2, 1);
    }

    @Test
    void otlpAnswersPartialSuccessAndKeepsTheOtherRecords() throws Exception {
        String src = "faulty-otlp-" + System.nanoTime();
        createSource("{\"name\":\"" + src + "\",\"intake\":\"otlp\",\"match\":[\"service=" + src + "\"]}");
        String m = "otlp-" + System.nanoTime();
        OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/v1/logs")
                .addHeader("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                .build();
        List<io.opentelemetry.sdk.logs.data.LogRecordData> records = new CopyOnWriteArrayList<>();
        try (SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), src)))
                .addLogRecordProcessor(SimpleLogRecordProcessor.create(new CapturingExporter(records)))
                .build()) {
            var logger = provider.get("faulty");
            logger.logRecordBuilder().setBody(m + "-1").emit();
            logger.logRecordBuilder().setBody(POISON).emit();
            logger.logRecordBuilder().setBody(m + "-3").emit();
        }
        // the three records in ONE export request, as a batching processor sends them
        assertThat(exporter.export(records).join(30, TimeUnit.SECONDS).isSuccess())
                .isTrue();
        exporter.close();
        awaitDelivered(m + "-1");
        awaitDelivered(m + "-3");
        assertCounted(src, 2, 1);

        // the partial success as the OTLP/HTTP JSON encoding reports it
        String json = """
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                 "scopeLogs":[{"logRecords":[
                  {"body":{"stringValue":"%s-json-1"}},
                  {"body":{"stringValue":"%s"}}
                ]}]}]}""".formatted(src, m, POISON);
        var r = admin().post("/v1/logs", "application/json", json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("partialSuccess").get("rejectedLogRecords").asString())
                .isEqualTo("1");
        assertThat(r.json().get("partialSuccess").get("errorMessage").asString())
                .startsWith("record 2: internal error");
        awaitDelivered(m + "-json-1");
    }

    @Test
    void syslogTcpConnectionSurvivesAndKeepsTheRestOfTheRead() throws Exception {
        String src = "faulty-syslog-" + System.nanoTime();
        String app = "fapp" + (System.nanoTime() % 100000);
        createSource("{\"name\":\"" + src + "\",\"intake\":\"syslog\",\"match\":[\"app=" + app + "\"]}");
        String m = "tcp-" + System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", syslog.server().tcpPort())) {
            OutputStream out = socket.getOutputStream();
            // one write: the three lines arrive in one read, submitted together
            out.write(("<13>Nov 22 10:00:00 h " + app + ": " + m + "-1\n"
                            + "<13>Nov 22 10:00:00 h " + app + ": " + POISON + "\n"
                            + "<13>Nov 22 10:00:00 h " + app + ": " + m + "-3\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitDelivered(m + "-1");
            awaitDelivered(m + "-3");
            // the same connection is still served
            out.write(("<13>Nov 22 10:00:00 h " + app + ": " + m + "-4\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitDelivered(m + "-4");
        }
        assertCounted(src, 3, 1);
        assertThat(intake.recentRejections(src)).anySatisfy(rej -> {
            assertThat(rej.reason()).contains("IllegalStateException");
            assertThat(rej.excerpt()).contains(POISON);
        });

        // UDP: the poisoned datagram is rejected alone, the others of the burst are kept
        String u = "udp-" + System.nanoTime();
        try (DatagramSocket udp = new DatagramSocket()) {
            for (String body : List.of(u + "-1", POISON, u + "-3")) {
                byte[] b = ("<13>Nov 22 10:00:00 h " + app + ": " + body).getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(
                        b,
                        b.length,
                        InetAddress.getLoopbackAddress(),
                        syslog.server().udpPort()));
            }
        }
        awaitDelivered(u + "-1");
        awaitDelivered(u + "-3");
        await(() -> stats(src).rejected() == 2);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    SourceStats stats(String src) {
        return activity.stats(src).orElseThrow();
    }

    void assertCounted(String src, long accepted, long rejected) throws InterruptedException {
        await(() -> stats(src).accepted() == accepted && stats(src).rejected() == rejected);
        assertThat(stats(src).dropped()).isZero();
    }

    void awaitDelivered(String marker) throws InterruptedException {
        await(() -> delivered.stream().anyMatch(e -> e.raw() != null && e.raw().contains(marker)));
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Collects what the SDK emits, so the test can export it in one request with the real exporter. */
    record CapturingExporter(List<io.opentelemetry.sdk.logs.data.LogRecordData> into)
            implements io.opentelemetry.sdk.logs.export.LogRecordExporter {
        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode export(
                java.util.Collection<io.opentelemetry.sdk.logs.data.LogRecordData> logs) {
            into.addAll(logs);
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode flush() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }
    }
}
