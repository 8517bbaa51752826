package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.normalize.IngestedEvent;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The global in-flight bound ({@code vigil.ingest.max-in-flight}), deterministically: one NDJSON request streams more
 * than the whole (small) budget and is then held mid-body by its client (a latch, no timing). While it holds the
 * gate, every other intake is refused the way its protocol expects: {@code _bulk} (the official Elasticsearch client
 * sees 429 {@code es_rejected_execution_exception}), OTLP/HTTP and NDJSON get 429 with {@code Retry-After}, syslog TCP
 * is paused (nothing dropped) and UDP is dropped and counted. Once the held request completes, it is accepted whole
 * and the paused TCP lines are delivered.
 */
@VigilServerTest
@TestPropertySource(properties = {"vigil.ingest.max-in-flight=256KB"})
class InFlightLimitTest {
    @LocalServerPort
    int port;

    @Autowired
    IntakeService intake;

    @Autowired
    IngestPipeline pipeline;

    @Autowired
    SourceActivity activity;

    @Autowired
    IngestConfiguration.SyslogListeners syslog;

    @Test
    void concurrentIntakeBeyondTheBudgetIsRefusedPerProtocolAndNothingIsLost() throws Exception {
        InFlightGate gate = intake.gate();
        assertThat(gate.max()).isEqualTo(256 * 1024);
        List<IngestedEvent> delivered = new CopyOnWriteArrayList<>();
        Consumer<List<IngestedEvent>> listener = delivered::addAll;
        pipeline.addListener(listener);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // A: 300 KB of NDJSON (more than the budget: admitted because it is alone), then held by its client
            String marker = "held-" + System.nanoTime();
            StringBuilder sb = new StringBuilder();
            int lines = 0;
            while (sb.length() < 300 * 1024) {
                sb.append("{\"m\":\"")
                        .append(marker)
                        .append("\",\"n\":")
                        .append(lines++)
                        .append(",\"pad\":\"")
                        .append("x".repeat(100))
                        .append("\"}\n");
            }
            byte[] first = sb.toString().getBytes(StandardCharsets.UTF_8);
            // a raw HTTP/1.1 client: every byte of the first chunk is on the wire before the test goes on, and the
            // request stays open (its terminating chunk unsent) until the test releases it
            Socket heldSocket = new Socket("127.0.0.1", port);
            OutputStream heldOut = heldSocket.getOutputStream();
            heldOut.write(("POST /api/v1/ingest/held HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + VigilServerTest.ADMIN_TOKEN
                            + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n"
                            + "Connection: close\r\n\r\n" + Integer.toHexString(first.length) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            heldOut.write(first);
            heldOut.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            heldOut.flush();
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try {
                    release.await();
                    heldOut.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    heldOut.flush();
                    return new String(heldSocket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    try {
                        heldSocket.close();
                    } catch (java.io.IOException ignored) {
                        // closing
                    }
                }
            });
            await(() -> gate.used() >= first.length);
            long refusedBefore = gate.refused();

            // B: _bulk through the official Elasticsearch client: 429, which Beats/Logstash/clients retry
            try (ElasticsearchClient es = ElasticsearchClient.of(b ->
                    b.host("http://127.0.0.1:" + port).usernameAndPassword("elastic", VigilServerTest.ADMIN_TOKEN))) {
                ElasticsearchException refused = catchThrowableOfType(
                        ElasticsearchException.class,
                        () -> es.bulk(b -> b.operations(
                                op -> op.index(i -> i.index("logs-x").document(Map.of("m", "bulk"))))));
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.error().type()).isEqualTo("es_rejected_execution_exception");
                assertThat(refused.error().reason()).contains("in flight");
            }

            // C: OTLP/HTTP protobuf: 429 with Retry-After (retryable per the OTLP specification)
            byte[] otlp = ExportLogsServiceRequest.newBuilder()
                    .addResourceLogs(ResourceLogs.newBuilder()
                            .addScopeLogs(ScopeLogs.newBuilder()
                                    .addLogRecords(LogRecord.newBuilder()
                                            .setBody(AnyValue.newBuilder().setStringValue("otlp")))))
                    .build()
                    .toByteArray();
            var c = admin().post("/v1/logs", "application/x-protobuf", otlp);
            assertThat(c.status()).isEqualTo(429);
            assertThat(c.header("Retry-After")).isEqualTo("1");

            // D: NDJSON: 429 with Retry-After, nothing taken
            var d = admin().post("/api/v1/ingest/other", "application/x-ndjson", "{\"m\":\"d\"}\n");
            assertThat(d.status()).as(d.body()).isEqualTo(429);
            assertThat(d.header("Retry-After")).isEqualTo("1");
            assertThat(d.body()).contains("in flight");
            assertThat(gate.refused()).isGreaterThanOrEqualTo(refusedBefore + 3);

            // E: syslog TCP is paused, not dropped
            long beforeTcp = gate.refused();
            String tcpMarker = "tcp-held-" + System.nanoTime();
            try (Socket socket = new Socket("127.0.0.1", syslog.server().tcpPort())) {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < 3; i++) {
                    out.write(("<13>Nov 22 10:00:00 h app: " + tcpMarker + "-" + i + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                await(() -> gate.refused() > beforeTcp);

                // F: syslog UDP cannot be paused: dropped and counted
                long droppedBefore = dropped("default-syslog");
                try (DatagramSocket udp = new DatagramSocket()) {
                    byte[] b = "<13>Nov 22 10:00:00 h app: udp-held".getBytes(StandardCharsets.US_ASCII);
                    udp.send(new DatagramPacket(
                            b,
                            b.length,
                            InetAddress.getLoopbackAddress(),
                            syslog.server().udpPort()));
                }
                await(() -> dropped("default-syslog") > droppedBefore);
                assertThat(delivered).noneMatch(e -> e.raw().contains(tcpMarker));

                // the held request completes: accepted whole; the gate empties and TCP resumes
                release.countDown();
                String a = held.get(60, TimeUnit.SECONDS);
                assertThat(a).startsWith("HTTP/1.1 200").contains("\"accepted\":" + lines);
                for (int i = 0; i < 3; i++) {
                    String m = tcpMarker + "-" + i;
                    await(() -> delivered.stream().anyMatch(e -> e.raw().contains(m)));
                }
            }
            long heldDelivered = lines;
            await(() -> delivered.stream().filter(e -> e.raw().contains(marker)).count() == heldDelivered);
            await(() -> gate.used() == 0);
            assertThat(activity.stats("default-http").orElseThrow().dropped()).isZero();

            String metrics = admin().get("/actuator/prometheus").body();
            assertThat(metrics)
                    .contains("vigil_ingest_in_flight_refused_total")
                    .contains("vigil_ingest_in_flight_capacity_bytes");
        } finally {
            release.countDown();
            pipeline.removeListener(listener);
        }
    }

    TestApi admin() {
        return TestApi.admin(port);
    }

    long dropped(String source) {
        return activity.stats(source).map(s -> s.dropped()).orElse(0L);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
