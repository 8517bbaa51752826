package dev.vigil.server.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The page-latency figure: time from an event arriving at intake ({@code POST /api/v1/ingest/{source}}, a CloudTrail
 * "StopLogging" event that the high-level starter rule matches) to the first notification delivered to a local
 * webhook receiver, through detection, the alert, the durable event, paging with the default policy and the delivery
 * worker. Trials run one after another. CI runs 5 trials; the figure uses 100:
 *
 * <pre>bench/page-latency.sh            # = ./mvnw -pl server -am test -Dtest=PageLatencyBenchmark -Dvigil.bench.trials=100</pre>
 *
 * It asserts only that every trial was delivered; the numbers are printed and written to
 * {@code server/target/page-latency.txt}.
 */
@VigilServerTest
class PageLatencyBenchmark {
    @LocalServerPort
    int port;

    @Test
    void eventAtIntakeToFirstNotification() throws IOException {
        int trials = Integer.getInteger("vigil.bench.trials", 5);
        TestApi api = TestApi.admin(port);
        String tag = "lat-" + UUID.randomUUID().toString().substring(0, 8);
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains("Source: " + tag)) {
                arrivals.add(System.nanoTime());
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        String policyId = null;
        try {
            assertThat(api.postJson("/api/v1/sources", """
                            {"name":"%s","intake":"http","parser":"json","logsource":{"product":"aws","service":"cloudtrail"}}""".formatted(tag)).status())
                    .isEqualTo(201);
            String user = api.postJson("/api/v1/oncall/people", "{\"name\":\"Latency " + tag + "\"}")
                    .json()
                    .get("userId")
                    .asString();
            api.postJson("/api/v1/notify/channels", """
                    {"userId":"%s","type":"webhook","address":"http://127.0.0.1:%d/hook","secret":"latency-secret-0123456789"}""".formatted(
                            user, receiver.getAddress().getPort()));
            String steps = "[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + user + "\"}]}]";
            for (JsonNode p : api.get("/api/v1/oncall/policies").json()) {
                if (p.get("name").asString().equals("default")) {
                    api.delete("/api/v1/oncall/policies/" + p.get("id").asString());
                }
            }
            TestApi.Response created =
                    api.postJson("/api/v1/oncall/policies", "{\"name\":\"default\",\"steps\":" + steps + "}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            policyId = created.json().get("id").asString();

            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < trials; i++) {
                String event = """
                        {"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","userIdentity":{"userName":"trial-%d"},"requestParameters":{"name":"trail-%d"}}
                        """.formatted(i, i);
                int expected = i + 1;
                long start = System.nanoTime();
                TestApi.Response r = api.post("/api/v1/ingest/" + tag, "application/x-ndjson", event);
                assertThat(r.status()).as(r.body()).isBetween(200, 299);
                Awaitility.await()
                        .pollInterval(Duration.ofMillis(5))
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> arrivals.size() >= expected);
                micros.add((arrivals.get(i) - start) / 1000);
            }
            Collections.sort(micros);
            String report = String.format(
                    Locale.ROOT,
                    "page latency (intake -> first notification delivered), %d trials: p50 %.3f s, p99 %.3f s, min %.3f s, max %.3f s%n",
                    trials,
                    percentile(micros, 50) / 1e6,
                    percentile(micros, 99) / 1e6,
                    micros.getFirst() / 1e6,
                    micros.getLast() / 1e6);
            System.out.print(report);
            Files.writeString(Path.of("target", "page-latency.txt"), report);
            assertThat(micros).hasSize(trials);
        } finally {
            receiver.stop(0);
            if (policyId != null) {
                api.delete("/api/v1/oncall/policies/" + policyId);
            }
        }
    }

    /** Nearest-rank percentile. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
