package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Incidents page their owning team through the real on-call module: a person, a team and its escalation policy are
 * set up through the on-call API; an incident raised to high pages that team with that policy (once), acknowledging
 * the incident acknowledges the page, resolving it resolves the page, and each step is on the incident's timeline.
 */
@VigilServerTest
class IncidentPagingTest {
    @LocalServerPort
    int port;

    @Autowired
    PagingService paging;

    @Autowired
    TimelineService timeline;

    private static String field(TestApi.Response r, String name) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 201);
        return r.json().path(name).asString();
    }

    private Page page(UUID incident) {
        List<Page> pages = paging.pagesFor("incident", incident.toString());
        return pages.isEmpty() ? null : pages.getFirst();
    }

    @Test
    void aSeriousIncidentPagesItsTeamAndThePageFollowsTheIncident() {
        TestApi admin = TestApi.admin(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = field(
                admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"Pat " + suffix + "\",\"email\":\"pat-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}"),
                "userId");
        String team = "ir-team-" + suffix;
        String teamId = field(
                admin.postJson("/api/v1/oncall/teams", "{\"name\":\"" + team + "\",\"members\":[\"" + person + "\"]}"),
                "id");
        String policyId = field(
                admin.postJson(
                        "/api/v1/oncall/policies",
                        "{\"name\":\"" + team + "-policy\",\"teamId\":\"" + teamId + "\",\"repeat\":0,"
                                + "\"ackTimeoutMinutes\":20,\"steps\":[{\"type\":\"notify\",\"targets\":"
                                + "[{\"type\":\"user\",\"id\":\"" + person + "\"}]}]}"),
                "id");

        // A low incident does not page; raised to high, it pages the owning team with the team's policy.
        JsonNode created = admin.postJson(
                        "/api/v1/incidents",
                        "{\"title\":\"Ransom note on the file server\",\"severity\":\"low\",\"priority\":4,"
                                + "\"owningTeam\":\"" + team + "\"}")
                .json();
        UUID id = UUID.fromString(created.path("id").asString());
        String ref = created.path("reference").asString();
        assertThat(admin.patchJson("/api/v1/incidents/" + ref, "{\"severity\":\"high\",\"priority\":1}")
                        .status())
                .isEqualTo(200);
        Page page = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        assertThat(page.title()).startsWith(ref + ": Ransom note");
        assertThat(page.policyId()).hasToString(policyId);
        assertThat(page.links()).anySatisfy(l -> assertThat(l.url()).endsWith("/incidents/" + ref));
        assertThat(paging.pagesFor("incident", id.toString())).hasSize(1);

        // Acknowledging the incident acknowledges the page; resolving it resolves the page.
        assertThat(admin.postJson("/api/v1/incidents/" + ref + "/status", "{\"status\":\"acknowledged\"}")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> page(id).status() == PageStatus.ACKNOWLEDGED);
        assertThat(admin.postJson("/api/v1/incidents/" + ref + "/status", "{\"status\":\"resolved\"}")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> page(id).status() == PageStatus.RESOLVED);
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> timeline.list(id).stream()
                                .filter(e -> e.kind().equals("page"))
                                .map(TimelineEntry::summary)
                                .toList(),
                        s -> s.stream().anyMatch(x -> x.startsWith("Paging started")));
    }

    @Test
    void acknowledgingThePageAcknowledgesANewIncident() {
        TestApi admin = TestApi.admin(port);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = field(
                admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"Sam " + suffix + "\",\"email\":\"sam-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}"),
                "userId");
        String team = "ir-team2-" + suffix;
        String teamId = field(
                admin.postJson("/api/v1/oncall/teams", "{\"name\":\"" + team + "\",\"members\":[\"" + person + "\"]}"),
                "id");
        field(
                admin.postJson(
                        "/api/v1/oncall/policies",
                        "{\"name\":\"" + team + "-policy\",\"teamId\":\"" + teamId + "\",\"repeat\":0,"
                                + "\"steps\":[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + person
                                + "\"}]}]}"),
                "id");
        JsonNode created = admin.postJson(
                        "/api/v1/incidents",
                        "{\"title\":\"Domain admin logon from a new country\",\"severity\":\"critical\","
                                + "\"priority\":1,\"owningTeam\":\"" + team + "\"}")
                .json();
        UUID id = UUID.fromString(created.path("id").asString());
        String ref = created.path("reference").asString();
        Page page = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        paging.acknowledge(page.id(), "sam");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> admin.get("/api/v1/incidents/" + ref).json().path("status").asString(),
                        s -> s.equals("acknowledged"));
    }
}
