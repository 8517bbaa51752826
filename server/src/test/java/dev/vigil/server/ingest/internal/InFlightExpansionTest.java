package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.vigil.server.ingest.IngestPipeline;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The in-flight gate charges what a request holds once parsed, not what it sent: a compact body of small records
 * (16 KB of {@code {"a":1}} lines, far below the 256 KB budget as bytes) parses into events estimated at over a
 * megabyte ({@link IngestPipeline#estimateBytes}, the pipeline queue's own estimate), so while it is read every other
 * request — a gzip'd NDJSON body, an Elasticsearch {@code _bulk} from the official client — is refused with 429;
 * and a gzip bomb (80 MB of decompressed text in an 80 KB body) is refused by its decompressed size, 413, never by its
 * compressed one. Same context as {@link InFlightLimitTest} (same properties).
 */
@VigilServerTest
@TestPropertySource(properties = {"vigil.ingest.max-in-flight=256KB"})
class InFlightExpansionTest {
    @LocalServerPort
    int port;

    @Autowired
    IntakeService intake;

    static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(plain);
        }
        return bytes.toByteArray();
    }

    HttpResponse<String> postGzip(String path, byte[] plain) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(plain)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aCompactBodyIsChargedForTheEventsItParsesInto() throws Exception {
        InFlightGate gate = intake.gate();
        InFlightLimitTest.await(() -> gate.used() == 0);
        StringBuilder sb = new StringBuilder();
        int lines = 0;
        while (sb.length() < 16 * 1024) {
            sb.append("{\"a\":").append(lines++ % 10).append("}\n");
        }
        byte[] first = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertThat((long) first.length).isLessThan(gate.max() / 10);
        CountDownLatch release = new CountDownLatch(1);
        Socket heldSocket = new Socket("127.0.0.1", port);
        OutputStream heldOut = heldSocket.getOutputStream();
        heldOut.write(("POST /api/v1/ingest/compact HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
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
        try {
            // charged for its parsed events (at least 512 bytes each), not for its 16 KB: beyond the whole budget
            long events = lines;
            InFlightLimitTest.await(() -> gate.used() >= events * 512);
            assertThat(gate.used()).isGreaterThan(gate.max());

            // a small gzip'd NDJSON request is refused while the compact one holds the gate
            HttpResponse<String> gz =
                    postGzip("/api/v1/ingest/other", "{\"m\":\"gz\"}\n".getBytes(StandardCharsets.UTF_8));
            assertThat(gz.statusCode()).as(gz.body()).isEqualTo(429);
            assertThat(gz.headers().firstValue("Retry-After")).contains("1");
            assertThat(gz.body()).contains("in flight");

            // and so is _bulk through the official Elasticsearch client
            try (ElasticsearchClient es = ElasticsearchClient.of(b ->
                    b.host("http://127.0.0.1:" + port).usernameAndPassword("elastic", VigilServerTest.ADMIN_TOKEN))) {
                ElasticsearchException refused = catchThrowableOfType(
                        ElasticsearchException.class,
                        () -> es.bulk(b -> b.operations(
                                op -> op.index(i -> i.index("logs-x").document(Map.of("m", "bulk"))))));
                assertThat(refused.status()).isEqualTo(429);
            }
        } finally {
            release.countDown();
        }
        String answer = held.get(60, TimeUnit.SECONDS);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"accepted\":" + lines);
        InFlightLimitTest.await(() -> gate.used() == 0);

        // with the gate free the same gzip'd request is accepted
        HttpResponse<String> again =
                postGzip("/api/v1/ingest/other", "{\"m\":\"gz\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }

    @Test
    void aCompactOtlpExportIsChargedForTheRecordsItDecodesInto() throws Exception {
        InFlightGate gate = intake.gate();
        InFlightLimitTest.await(() -> gate.used() == 0);
        // 1,000 tiny records under one resource of 50 attributes: about 12 KB on the wire; every record's fields (and
        // its event's raw JSON) repeat the 50 attributes
        byte[] body = OtlpRecordCountTest.export(1, 1, 1000, 50);
        assertThat((long) body.length).isLessThan(gate.max() / 10);
        // another request holds a little of the gate: this one is no longer alone, so it must fit
        try (InFlightGate.Lease other = gate.lease()) {
            assertThat(other.ensure(1)).isTrue();
            var refused = TestApi.admin(port).post("/v1/logs", "application/x-protobuf", body);
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
        }
        InFlightLimitTest.await(() -> gate.used() == 0);
        // alone it is admitted (a request alone may exceed the budget, so no client is refused for good)
        var accepted = TestApi.admin(port).post("/v1/logs", "application/x-protobuf", body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        InFlightLimitTest.await(() -> gate.used() == 0);
    }

    @Test
    void anOtlpExportOfMoreRecordsThanTheEventBudgetIsRefusedBeforeDecoding() throws Exception {
        // 250,000 small records (2 to 20 bytes each on the wire) exceed the pipeline's 200,000-event budget
        byte[] body = OtlpRecordCountTest.export(1, 1, 250_000, 0);
        assertThat(body.length).isLessThan(4 * 1024 * 1024);
        var r = TestApi.admin(port).post("/v1/logs", "application/x-protobuf", body);
        assertThat(r.status()).as(r.body()).isEqualTo(413);
    }

    @Test
    void aGzipBombIsRefusedByItsDecompressedSize() throws Exception {
        // 80 MB of short lines compress to well under a megabyte; max-body-size (64 MB) applies after decompression
        byte[] line = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        byte[] plain = new byte[80 * 1024 * 1024];
        for (int i = 0; i + line.length <= plain.length; i += line.length) {
            System.arraycopy(line, 0, plain, i, line.length);
        }
        byte[] body = gzip(plain);
        assertThat(body.length).isLessThan(1024 * 1024);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ingest/bomb"))
                .header("Authorization", "Bearer " + VigilServerTest.ADMIN_TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        InFlightLimitTest.await(() -> intake.gate().used() == 0);
    }
}
