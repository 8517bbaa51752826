package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Incident changes reach webhook subscribers (a real HTTP receiver, through the webhooks module): created, status
 * changed and closed, each once, signed, with the incident's reference in the data.
 */
@VigilServerTest
class IncidentWebhooksTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    HttpServer receiver;
    String subscription;
    final List<String[]> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new String[] {
                    exchange.getRequestHeaders().getFirst("Vigil-Event-Type"),
                    exchange.getRequestHeaders().getFirst("Vigil-Signature"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                });
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        TestApi.Response r = TestApi.admin(port)
                .postJson(
                        "/api/v1/webhooks",
                        "{\"name\":\"incidents-" + UUID.randomUUID() + "\",\"url\":\"http://127.0.0.1:"
                                + receiver.getAddress().getPort() + "/hook\",\"eventTypes\":[\"incident.*\"],"
                                + "\"secret\":\"incident-webhook-secret-0123456789\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        subscription = r.json().path("subscription").path("id").asString();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        assertThat(TestApi.admin(port)
                        .delete("/api/v1/webhooks/" + subscription)
                        .status())
                .isEqualTo(204);
    }

    private List<JsonNode> of(String type, String reference) {
        return received.stream()
                .filter(r -> type.equals(r[0]))
                .map(r -> JSON.readTree(r[2]))
                .filter(p -> reference.equals(p.path("data").path("reference").asString()))
                .toList();
    }

    @Test
    void incidentChangesArriveAsSignedWebhooks() {
        TestApi admin = TestApi.admin(port);
        JsonNode created = admin.postJson(
                        "/api/v1/incidents", "{\"title\":\"Webhook check\",\"severity\":\"low\",\"priority\":5}")
                .json();
        String ref = created.path("reference").asString();
        assertThat(admin.postJson("/api/v1/incidents/" + ref + "/status", "{\"status\":\"acknowledged\"}")
                        .status())
                .isEqualTo(200);

        JsonNode opened = await().atMost(Duration.ofSeconds(60))
                .until(() -> of("incident.created", ref), l -> !l.isEmpty())
                .getFirst();
        assertThat(opened.path("type").asString()).isEqualTo("incident.created");
        assertThat(opened.path("data").path("title").asString()).isEqualTo("Webhook check");
        JsonNode changed = await().atMost(Duration.ofSeconds(60))
                .until(() -> of("incident.status_changed", ref), l -> !l.isEmpty())
                .getFirst();
        assertThat(changed.path("data").path("to").asString()).isEqualTo("acknowledged");
        assertThat(received).allSatisfy(r -> assertThat(r[1]).as("signature").contains("v1="));
        assertThat(of("incident.created", ref)).as("published once").hasSize(1);
    }
}
