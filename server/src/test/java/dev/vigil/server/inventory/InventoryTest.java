package dev.vigil.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@VigilServerTest
class InventoryTest {
    @LocalServerPort
    int port;

    @Autowired
    InventoryService inventory;

    private String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void applicationsAreRegisteredWithSourcesAndCoverage() {
        TestApi api = TestApi.admin(port);
        String source = unique("web");
        String app = unique("shop");
        assertThat(api.postJson(
                                "/api/v1/sources",
                                "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\","
                                        + "\"logsource\":{\"category\":\"webserver\"},\"application\":\"" + app + "\"}")
                        .status())
                .isEqualTo(201);
        TestApi.Response created = api.postJson(
                "/api/v1/applications",
                "{\"name\":\"" + app + "\",\"owner\":\"shop-team@example.com\",\"criticality\":\"critical\","
                        + "\"expectedSources\":[\"" + source + "\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("criticality").asString()).isEqualTo("critical");

        assertThat(api.post(
                                "/api/v1/ingest/" + source,
                                "application/x-ndjson",
                                "{\"c-ip\":\"192.0.2.1\",\"cs-uri-stem\":\"/\",\"sc-status\":200}\n")
                        .status())
                .isEqualTo(200);

        JsonNode coverage = api.get("/api/v1/applications/" + app + "/coverage").json();
        JsonNode web = coverage.get("sources").get(0);
        assertThat(web.get("name").asString()).isEqualTo(source);
        assertThat(web.get("configured").asBoolean()).isTrue();
        assertThat(web.get("rules").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(coverage.get("tactics").toString()).contains("initial-access", "credential-access");
        assertThat(coverage.get("flags").size()).isZero();
    }

    @Test
    void silentAndMissingSourcesAndMissingCoverageAreFlagged() {
        String app = unique("legacy");
        String missing = unique("vpn");
        inventory.create(new ApplicationRequest(app, "old ERP", "erp@example.com", "high", List.of(missing)));
        Instant now = Instant.now();

        Coverage today = inventory.coverage(app, now).orElseThrow();
        assertThat(today.flags()).extracting(Coverage.Flag::code).containsExactly("SOURCE_NOT_CONFIGURED");

        Coverage later = inventory.coverage(app, now.plus(Duration.ofDays(8))).orElseThrow();
        assertThat(later.flags()).extracting(Coverage.Flag::code).contains("SOURCE_NOT_CONFIGURED", "NO_COVERAGE");
        assertThat(inventory.flagged(now.plus(Duration.ofDays(8))))
                .anySatisfy(c -> assertThat(c.application().name()).isEqualTo(app));
    }

    @Test
    void anExpectedSourceThatNeverSendsIsFlaggedSilent() {
        TestApi api = TestApi.admin(port);
        String source = unique("quiet");
        String app = unique("crm");
        api.postJson("/api/v1/sources", "{\"name\":\"" + source + "\",\"intake\":\"http\",\"parser\":\"json\"}");
        inventory.create(new ApplicationRequest(app, null, "crm@example.com", "low", List.of(source)));
        Coverage c =
                inventory.coverage(app, Instant.now().plus(Duration.ofHours(2))).orElseThrow();
        assertThat(c.flags()).extracting(Coverage.Flag::code).contains("SOURCE_SILENT");
    }

    @Test
    void invalidApplicationsAreRejected() {
        TestApi api = TestApi.admin(port);
        assertThat(api.postJson("/api/v1/applications", "{\"name\":\"Bad Name!\",\"owner\":\"x\"}")
                        .status())
                .isEqualTo(400);
        assertThat(api.postJson("/api/v1/applications", "{\"name\":\"noowner\"}")
                        .status())
                .isEqualTo(400);
        String app = unique("dup");
        assertThat(api.postJson("/api/v1/applications", "{\"name\":\"" + app + "\",\"owner\":\"x\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.postJson("/api/v1/applications", "{\"name\":\"" + app + "\",\"owner\":\"x\"}")
                        .status())
                .isEqualTo(409);
        assertThat(api.delete("/api/v1/applications/" + app).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/applications/" + app).status()).isEqualTo(404);
    }
}
