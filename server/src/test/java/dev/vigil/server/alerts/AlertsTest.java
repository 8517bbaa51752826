package dev.vigil.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.testing.RecordingAlertListener;
import dev.vigil.server.testing.TestApi;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@VigilServerTest
class AlertsTest {
    @LocalServerPort
    int port;

    @Autowired
    AlertService alerts;

    @Autowired
    RecordingAlertListener listener;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    org.springframework.modulith.events.core.EventSerializer serializer;

    private static NewAlert alert(String rule, AlertLevel level, String source, String user) {
        return new NewAlert(
                rule,
                "Rule " + rule,
                level,
                List.of("attack.credential-access", "attack.t1110"),
                source,
                "shop",
                Instant.parse("2026-01-01T10:00:00Z"),
                Instant.now(),
                Map.of("user", user, "src_ip", "203.0.113.7"),
                Map.of("EventID", "4625"),
                "{\"EventID\":4625,\"TargetUserName\":\"" + user + "\"}",
                "raw line for " + user,
                null);
    }

    @Test
    void raisedAlertsAreStoredAndPublishedThroughTheEventRegistry() {
        String rule = "rule-" + UUID.randomUUID();
        List<Alert> stored = alerts.raise(List.of(alert(rule, AlertLevel.HIGH, "winlog", "alice")));
        UUID id = stored.getFirst().id();

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        listener.received().stream().anyMatch(e -> e.alertId().equals(id)));
        AlertRaised event = listener.received().stream()
                .filter(e -> e.alertId().equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(event.ruleId()).isEqualTo(rule);
        assertThat(event.entities()).containsEntry("user", "alice");
        // The registry recorded the publication and marked it completed once the listener returned.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("select count(*) from event_publication where serialized_event like ?"
                                        + " and listener_id like ? and completion_date is not null")
                                .params("%" + id + "%", "%RecordingAlertListener%")
                                .query(Long.class)
                                .single()
                        == 1);

        Alert read = alerts.get(id).orElseThrow();
        assertThat(read.tactics()).containsExactly("credential-access");
        assertThat(read.event()).contains("4625");
        assertThat(read.raw()).isEqualTo("raw line for alice");
    }

    @Test
    void aBatchIsAnnouncedAsOneEventThatTheRegistryCanStoreAndRedeliver() {
        String rule = "rule-" + UUID.randomUUID();
        List<Alert> stored = alerts.raise(List.of(
                alert(rule, AlertLevel.HIGH, "winlog", "erin"),
                alert(rule, AlertLevel.LOW, "winlog", "frank"),
                alert(rule, AlertLevel.CRITICAL, "winlog", "gina")));
        List<UUID> ids = stored.stream().map(Alert::id).toList();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        listener.batches().stream().anyMatch(b -> b.alertIds().equals(ids)));
        AlertsRaised batch = listener.batches().stream()
                .filter(b -> b.alertIds().equals(ids))
                .findFirst()
                .orElseThrow();
        assertThat(batch.alerts())
                .extracting(AlertRaised::level)
                .containsExactly(AlertLevel.HIGH, AlertLevel.LOW, AlertLevel.CRITICAL);
        // the registry stores the event as text and, after a crash, redelivers what it reads back
        Object read = serializer.deserialize(serializer.serialize(batch), AlertsRaised.class);
        assertThat(read).isEqualTo(batch);
        assertThat(jdbc.sql("select count(*) from event_publication where serialized_event like ?"
                                + " and listener_id like ?")
                        .params("%" + ids.get(1) + "%", "%RecordingAlertListener%")
                        .query(Long.class)
                        .single())
                .as("one publication for the batch, not one per alert")
                .isEqualTo(1);
    }

    @Test
    void theApiFiltersAndPages() {
        String rule = "rule-" + UUID.randomUUID();
        String source = "src-" + UUID.randomUUID();
        alerts.raise(List.of(
                alert(rule, AlertLevel.LOW, source, "bob"),
                alert(rule, AlertLevel.HIGH, source, "carol"),
                alert(rule, AlertLevel.CRITICAL, source, "dave")));
        TestApi api = TestApi.admin(port);

        JsonNode all = api.get("/api/v1/alerts?source=" + source).json();
        assertThat(all.get("total").asLong()).isEqualTo(3);

        JsonNode high =
                api.get("/api/v1/alerts?source=" + source + "&level=high").json();
        assertThat(high.get("total").asLong()).isEqualTo(2);

        JsonNode carol =
                api.get("/api/v1/alerts?rule=" + rule + "&entity=carol").json();
        assertThat(carol.get("total").asLong()).isEqualTo(1);
        assertThat(carol.get("items").get(0).get("entities").get("user").asString())
                .isEqualTo("carol");

        JsonNode paged =
                api.get("/api/v1/alerts?source=" + source + "&size=2&page=1").json();
        assertThat(paged.get("items").size()).isEqualTo(1);
        assertThat(paged.get("total").asLong()).isEqualTo(3);

        assertThat(api.get("/api/v1/alerts?tag=attack.t1110&source=" + source)
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(3);
        String id = all.get("items").get(0).get("id").asString();
        assertThat(api.get("/api/v1/alerts/" + id).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/alerts/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void exerciseAlertsAreLeftOutOfTheListUnlessAskedForAndTheApiSaysSo() {
        String rule = "rule-" + UUID.randomUUID();
        UUID exercise = UUID.randomUUID();
        String drill = dev.vigil.server.normalize.ExerciseTag.eventSource(exercise, "winlog");
        alerts.raise(List.of(
                alert(rule, AlertLevel.HIGH, "winlog", "bob"),
                alert(rule, AlertLevel.HIGH, "winlog", "carol"),
                alert(rule, AlertLevel.HIGH, drill, "mallory")));
        TestApi api = TestApi.admin(port);

        JsonNode production = api.get("/api/v1/alerts?rule=" + rule).json();
        assertThat(production.get("total").asLong())
                .as("production only by default")
                .isEqualTo(2);
        assertThat(production.get("items"))
                .allSatisfy(a -> assertThat(a.get("source").asString()).isEqualTo("winlog"));
        assertThat(production.get("exercisesHidden").asLong())
                .as("the list says how many exercise alerts it leaves out")
                .isEqualTo(1);
        assertThat(api.get("/api/v1/alerts?rule=" + rule + "&exercise=exclude")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(2);
        JsonNode only =
                api.get("/api/v1/alerts?rule=" + rule + "&exercise=only").json();
        assertThat(only.get("total").asLong()).isEqualTo(1);
        assertThat(only.get("items").get(0).get("source").asString()).isEqualTo(drill);
        assertThat(only.get("exercisesHidden").asLong()).isZero();
        assertThat(api.get("/api/v1/alerts?rule=" + rule + "&exercise=ALL")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(3);
        // naming an exercise source asks for its alerts: not hidden by the default
        assertThat(api.get("/api/v1/alerts?source=" + drill).json().get("total").asLong())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/alerts?source=" + drill + "&exercise=exclude")
                        .json()
                        .get("total")
                        .asLong())
                .isZero();
        TestApi.Response bad = api.get("/api/v1/alerts?exercise=maybe");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown exercise filter");
    }

    @Test
    void theAlertsPageFiltersExercisesSaysWhatItHidesAndKeepsTheFilterWhilePaging() {
        String rule = "rule-" + UUID.randomUUID();
        UUID exercise = UUID.randomUUID();
        String drill = dev.vigil.server.normalize.ExerciseTag.eventSource(exercise, "winlog");
        List<NewAlert> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(alert(rule, AlertLevel.LOW, "winlog", "user" + i));
        }
        NewAlert hostile = new NewAlert(
                rule,
                "<img src=x onerror=alert(1)> drill",
                AlertLevel.HIGH,
                List.of(),
                drill,
                null,
                null,
                Instant.now(),
                Map.of("user", "<b>mallory</b>"),
                Map.of(),
                "{}",
                null,
                null);
        batch.add(hostile);
        batch.add(alert(rule, AlertLevel.HIGH, drill, "trudy"));
        alerts.raise(batch);
        dev.vigil.server.testing.TestSession ui =
                dev.vigil.server.testing.TestSession.signedIn(port, "admin", VigilServerTest.ADMIN_PASSWORD);

        String page = ui.get("/alerts?rule=" + rule).body();
        assertThat(page).contains("<span>50</span> alerts.");
        assertThat(page).doesNotContain(drill, " EXERCISE</span>");
        assertThat(page).containsPattern("<span>2</span>\\s+exercise alerts not shown");
        assertThat(page)
                .containsPattern("href=\"/alerts\\?[^\"]*rule=" + rule + "&amp;[^\"]*exercise=all\">show them</a>")
                .doesNotContain("ApplicationAttributeMap")
                .contains("<option value=\"exclude\" selected=\"selected\">production only</option>");

        String all = ui.get("/alerts?rule=" + rule + "&exercise=all").body();
        assertThat(all).contains("<span>52</span> alerts.", drill, " EXERCISE</span>");
        assertThat(all).doesNotContain("exercise alerts not shown");
        assertThat(all).contains("<option value=\"all\" selected=\"selected\">production and exercises</option>");
        assertThat(all).as("paging keeps the filter").contains("&amp;exercise=all&amp;page=1\">Older</a>");
        assertThat(all).doesNotContain("<img src=x", "<b>mallory");

        // both exercise alerts on one page (with all 52, which two fall on page 2 depends on equal timestamps)
        String only = ui.get("/alerts?rule=" + rule + "&exercise=only").body();
        assertThat(only).contains("<span>2</span> alerts.", drill).doesNotContain("user7");
        assertThat(only)
                .as("log text is escaped")
                .contains("&lt;img src=x onerror=alert(1)&gt; drill", "&lt;b&gt;mallory&lt;/b&gt;")
                .doesNotContain("<img src=x", "<b>mallory");
        assertThat(ui.get("/alerts?exercise=maybe").status()).isEqualTo(400);
    }

    @Test
    void badFiltersAreRejectedWithAReason() {
        TestApi api = TestApi.admin(port);
        assertThat(api.get("/api/v1/alerts?level=severe").body()).contains("unknown level");
        assertThat(api.get("/api/v1/alerts?level=severe").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/alerts?size=100000").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/alerts?from=yesterday").status()).isEqualTo(400);
    }

    @Test
    void hostileLogTextIsStoredNotRejected() {
        String rule = "rule-" + UUID.randomUUID();
        NewAlert nul = new NewAlert(
                rule,
                "nul\0title",
                AlertLevel.MEDIUM,
                List.of(),
                "s",
                null,
                null,
                Instant.now(),
                Map.of("user", "a\0b"),
                Map.of(),
                "{\"msg\":\"x\\u0000y\"}",
                "raw\0line",
                null);
        NewAlert notJson = new NewAlert(
                rule,
                "t",
                AlertLevel.LOW,
                List.of(),
                "s",
                null,
                null,
                Instant.now(),
                Map.of(),
                Map.of(),
                "not json",
                null,
                null);
        List<Alert> stored = alerts.raise(List.of(nul, notJson));
        assertThat(alerts.get(stored.get(0).id()).orElseThrow().raw()).isEqualTo("raw\uFFFDline");
        assertThat(alerts.get(stored.get(1).id()).orElseThrow().event()).contains("_raw");
    }
}
