package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Submission;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    @Autowired
    DefaultObligationService obligations;

    @Autowired
    JdbcClient jdbc;

    /** Waits until the incident module's paging listener handled every event published about {@code id}. */
    private void awaitPagingListener(UUID id) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.sql("select count(*) from event_publication where serialized_event like ?"
                                        + " and listener_id like ? and completion_date is null")
                                .params("%" + id + "%", "%IncidentPaging%")
                                .query(Long.class)
                                .single()
                        == 0);
    }

    /** An on-call team of one person, with the team's escalation policy (which pages that person). */
    private record Team(String name, String policyId) {}

    private Team team(TestApi admin, String prefix) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = field(
                admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"" + prefix + " " + suffix + "\",\"email\":\"" + prefix + "-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}"),
                "userId");
        String team = prefix + "-team-" + suffix;
        String teamId = field(
                admin.postJson("/api/v1/oncall/teams", "{\"name\":\"" + team + "\",\"members\":[\"" + person + "\"]}"),
                "id");
        String policyId = field(
                admin.postJson(
                        "/api/v1/oncall/policies",
                        "{\"name\":\"" + team + "-policy\",\"teamId\":\"" + teamId + "\",\"repeat\":0,"
                                + "\"steps\":[{\"type\":\"notify\",\"targets\":[{\"type\":\"user\",\"id\":\"" + person
                                + "\"}]}]}"),
                "id");
        return new Team(team, policyId);
    }

    /** An incident created through the API. */
    private record Created(UUID id, String ref) {}

    private Created incident(TestApi admin, String json) {
        JsonNode created = admin.postJson("/api/v1/incidents", json).json();
        return new Created(
                UUID.fromString(created.path("id").asString()),
                created.path("reference").asString());
    }

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
        Team team = team(admin, "pat");

        // A low incident does not page; raised to high, it pages the owning team with the team's policy.
        Created created = incident(
                admin,
                "{\"title\":\"Ransom note on the file server\",\"severity\":\"low\",\"priority\":4,"
                        + "\"owningTeam\":\"" + team.name() + "\"}");
        UUID id = created.id();
        String ref = created.ref();
        assertThat(admin.patchJson("/api/v1/incidents/" + ref, "{\"severity\":\"high\",\"priority\":1}")
                        .status())
                .isEqualTo(200);
        Page page = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        assertThat(page.title()).startsWith(ref + ": Ransom note");
        assertThat(page.policyId()).hasToString(team.policyId());
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
                        s -> s.stream().anyMatch(x -> x.startsWith("Page: paging started")));
    }

    @Test
    void acknowledgingThePageAcknowledgesANewIncident() {
        TestApi admin = TestApi.admin(port);
        Team team = team(admin, "sam");
        Created created = incident(
                admin,
                "{\"title\":\"Domain admin logon from a new country\",\"severity\":\"critical\","
                        + "\"priority\":1,\"owningTeam\":\"" + team.name() + "\"}");
        UUID id = created.id();
        String ref = created.ref();
        Page page = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        paging.acknowledge(page.id(), "sam");
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> admin.get("/api/v1/incidents/" + ref)
                                .json()
                                .path("status")
                                .asString(),
                        s -> s.equals("acknowledged"));
    }

    @Test
    void anEndedPageIsNotRepeatedUnlessTheIncidentIsRaisedAboveIt() {
        TestApi admin = TestApi.admin(port);
        Team team = team(admin, "kim");
        Created created = incident(
                admin,
                "{\"title\":\"Web shell on the shop\",\"severity\":\"high\",\"priority\":2," + "\"owningTeam\":\""
                        + team.name() + "\"}");
        UUID id = created.id();
        String ref = created.ref();
        Page first = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        // On-call ends the page while the incident stays open; lowering and raising it again does not page anew.
        paging.acknowledge(first.id(), "kim");
        paging.resolve(first.id(), "kim");
        assertThat(admin.patchJson("/api/v1/incidents/" + ref, "{\"severity\":\"medium\"}")
                        .status())
                .isEqualTo(200);
        assertThat(admin.patchJson("/api/v1/incidents/" + ref, "{\"severity\":\"high\"}")
                        .status())
                .isEqualTo(200);
        awaitPagingListener(id);
        assertThat(paging.pagesFor("incident", id.toString())).hasSize(1);
        // Raised above the earlier page: a new page, at the new severity.
        assertThat(admin.patchJson("/api/v1/incidents/" + ref, "{\"severity\":\"critical\"}")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> paging.pagesFor("incident", id.toString()).size() == 2);
        awaitPagingListener(id);
        assertThat(paging.pagesFor("incident", id.toString()))
                .extracting(p -> p.severity().id())
                .containsExactlyInAnyOrder("high", "critical");
    }

    @Test
    void aDeadlineAtRiskPagesTheTeamUntilTheSubmissionIsRecorded() {
        TestApi admin = TestApi.admin(port);
        Team team = team(admin, "lee");
        // Medium: no incident page; P1: the internal "legal within 1 h of a P1" obligation attaches by its conditions.
        UUID id = incident(
                        admin,
                        "{\"title\":\"Payroll export mailed outside\",\"severity\":\"medium\",\"priority\":1,"
                                + "\"owningTeam\":\"" + team.name() + "\"}")
                .id();
        DeadlineStage legal = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> obligations.forIncident(id).stream()
                                .filter(o -> o.templateKey().equals("internal-legal-p1"))
                                .flatMap(o -> o.stages().stream())
                                .filter(st -> st.dueAt() != null)
                                .findFirst()
                                .orElse(null),
                        st -> st != null);
        // The sweep runs as of 5 minutes before the deadline (the clock is passed in, not waited for).
        obligations.escalate(legal.dueAt().minus(Duration.ofMinutes(5)));
        Page page = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> paging.pagesFor("incident-deadline", legal.id().toString()).stream()
                                .findFirst()
                                .orElse(null),
                        p -> p != null);
        assertThat(page.title()).contains("notification due").contains(legal.name());
        assertThat(page.links()).anySatisfy(l -> assertThat(l.url()).endsWith("#deadlines"));
        awaitPagingListener(id);
        assertThat(paging.pagesFor("incident", id.toString()))
                .as("a medium incident pages nobody")
                .isEmpty();

        obligations.submit(
                id, legal.id(), new Submission(Instant.now(), "General counsel", "briefing by phone", null, null));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> paging.get(page.id()).orElseThrow().status() == PageStatus.RESOLVED);
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> timeline.list(id).stream()
                                .map(TimelineEntry::summary)
                                .toList(),
                        s -> s.contains("Deadline page: paging started (high)")
                                && s.stream().anyMatch(x -> x.startsWith("Deadline page: resolved")));
    }

    @Test
    void theEscalationPolicyTheIncidentNamesWinsOverTheTeams() {
        TestApi admin = TestApi.admin(port);
        Team team = team(admin, "ana");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String person = field(
                admin.postJson(
                        "/api/v1/oncall/people",
                        "{\"name\":\"Ola " + suffix + "\",\"email\":\"ola-" + suffix
                                + "@example.org\",\"timeZone\":\"UTC\"}"),
                "userId");
        String chosen = "major-incident-" + suffix;
        String chosenId = field(
                admin.postJson(
                        "/api/v1/oncall/policies",
                        "{\"name\":\"" + chosen + "\",\"repeat\":0,\"steps\":[{\"type\":\"notify\",\"targets\":"
                                + "[{\"type\":\"user\",\"id\":\"" + person + "\"}]}]}"),
                "id");
        Created created = incident(
                admin,
                "{\"title\":\"Wire fraud attempt\",\"severity\":\"low\",\"priority\":3,\"owningTeam\":\"" + team.name()
                        + "\"}");
        assertThat(admin.patchJson(
                                "/api/v1/incidents/" + created.ref(),
                                "{\"severity\":\"high\",\"escalationPolicy\":\"" + chosen + "\"}")
                        .status())
                .isEqualTo(200);
        UUID id = created.id();
        Page page = await().atMost(Duration.ofSeconds(60)).until(() -> page(id), p -> p != null);
        assertThat(page.policyId()).hasToString(chosenId);
    }
}
