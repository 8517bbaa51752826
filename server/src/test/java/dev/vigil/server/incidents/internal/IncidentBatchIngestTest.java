package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.AlertsRaised;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.inventory.ApplicationRequest;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.testing.RecordingAlertListener;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The batch path of alerts into incidents: a batch of alerts becomes exactly the incidents, alert lists, duplicate
 * counts, escalations, timelines, observables, playbook tasks and obligations that the same alerts ingested one by one
 * become; a redelivered batch (whole or in part) changes nothing; a batch mixing groups, applications and exercise
 * alerts splits them as single alerts would be split; a raised batch is one durable event that the intake groups.
 */
@VigilServerTest
class IncidentBatchIngestTest {
    private static final UUID EXERCISE = UUID.fromString("5b0c9f36-7d1e-4c55-9a55-0c8f9e3b2a01");

    @Autowired
    DefaultIncidentService incidents;

    @Autowired
    AlertIntake intake;

    @Autowired
    AlertService alerts;

    @Autowired
    Timeline timeline;

    @Autowired
    InventoryService inventory;

    @Autowired
    RecordingAlertListener listener;

    @Autowired
    JdbcClient jdbc;

    private static Alert alert(
            String rulePrefix,
            String rule,
            AlertLevel level,
            Instant at,
            String source,
            String application,
            Map<String, String> entities,
            List<String> tags) {
        return TestAlerts.alert(
                rulePrefix + rule, "Batch rule " + rule, level, tags, source, application, at, entities);
    }

    /**
     * A storm in miniature: one host's execution alerts (grouped per host, escalated by a high one, with duplicates),
     * web exploitation against two applications from one address (grouped per application and address; one critical
     * application: P1, playbook, obligations), the same alert as an exercise's replay (its own incident), default
     * grouping by rule and entities (two users), and an alert of an earlier key long after the window (a new
     * incident).
     */
    private List<Alert> storm(String rulePrefix, String criticalApp, String otherApp, Instant t0) {
        List<String> exec = List.of("attack.execution", "attack.t1059.001");
        List<String> web = List.of("attack.initial-access", "attack.t1190");
        List<String> plain = List.of("attack.discovery", "attack.t1082");
        Map<String, String> host1 = Map.of("host", "ws-1", "user", "alice");
        List<Alert> out = new ArrayList<>();
        int s = 0;
        out.add(alert(rulePrefix, "exec", AlertLevel.MEDIUM, t0.plusSeconds(s++), "winlog", null, host1, exec));
        out.add(alert(rulePrefix, "exec", AlertLevel.MEDIUM, t0.plusSeconds(s++), "winlog", null, host1, exec));
        out.add(alert(
                rulePrefix,
                "exec2",
                AlertLevel.MEDIUM,
                t0.plusSeconds(s++),
                "winlog",
                null,
                Map.of("host", "ws-1", "user", "bob"),
                exec));
        out.add(alert(rulePrefix, "web", AlertLevel.HIGH, t0.plusSeconds(s++), "web", criticalApp, ip(), web));
        out.add(alert(rulePrefix, "web", AlertLevel.MEDIUM, t0.plusSeconds(s++), "web", otherApp, ip(), web));
        out.add(alert(rulePrefix, "exec", AlertLevel.HIGH, t0.plusSeconds(s++), "winlog", null, host1, exec));
        out.add(alert(
                rulePrefix,
                "exec",
                AlertLevel.HIGH,
                t0.plusSeconds(s++),
                ExerciseTag.eventSource(EXERCISE, "winlog"),
                null,
                host1,
                exec));
        out.add(alert(rulePrefix, "web", AlertLevel.HIGH, t0.plusSeconds(s++), "web", criticalApp, ip(), web));
        out.add(alert(rulePrefix, "plain", AlertLevel.LOW, t0.plusSeconds(s++), "syslog", null, user("carol"), plain));
        out.add(alert(rulePrefix, "plain", AlertLevel.LOW, t0.plusSeconds(s++), "syslog", null, user("dave"), plain));
        out.add(alert(
                rulePrefix, "plain", AlertLevel.MEDIUM, t0.plusSeconds(s++), "syslog", null, user("carol"), plain));
        out.add(alert(rulePrefix, "info", AlertLevel.INFORMATIONAL, t0.plusSeconds(s++), "syslog", null, host1, exec));
        out.add(alert(
                rulePrefix,
                "plain",
                AlertLevel.LOW,
                t0.plus(Duration.ofHours(3)),
                "syslog",
                null,
                user("carol"),
                plain));
        return out;
    }

    private static Map<String, String> ip() {
        return Map.of("src_ip", "198.51.100.23");
    }

    private static Map<String, String> user(String name) {
        return Map.of("user", name);
    }

    @Test
    void aBatchBecomesTheIncidentsTheAlertsOneByOneWouldBecome() {
        String critical = app("critical");
        String other = app("low");
        Instant t0 = Instant.now().plus(Duration.ofDays(5));
        // a week apart (same weekday and time: the same business-day deadlines), so that the two runs never share an
        // incident (web exploitation groups by application and address, not by rule)
        Instant t1 = t0.plus(Duration.ofDays(7));
        List<Alert> single = storm("one-" + UUID.randomUUID() + "-", critical, other, t0);
        List<Alert> batch = storm("batch-" + UUID.randomUUID() + "-", critical, other, t1);

        for (Alert a : single) {
            incidents.ingest(a);
        }
        List<UUID> touched = incidents.ingestAll(batch);

        List<String> one = describe(single, t0);
        List<String> all = describe(batch, t1);
        assertThat(all).isEqualTo(one);
        // the batch reports the incidents it opened or joined: exec host, web x2, exercise, plain x2 (carol, dave),
        // plain carol again after the window
        assertThat(touched).hasSize(7);
        // and the mix was split as single alerts are: by grouping key, application, production vs exercise, window
        List<UUID> of = batch.stream()
                .map(a -> incidents.incidentOf(a.id()).orElse(null))
                .toList();
        assertThat(of.get(0)).isEqualTo(of.get(1)).isEqualTo(of.get(2)).isEqualTo(of.get(5));
        assertThat(of.get(3)).isEqualTo(of.get(7)).isNotEqualTo(of.get(4));
        assertThat(of.get(6)).isNotEqualTo(of.get(5));
        assertThat(of.get(8)).isEqualTo(of.get(10)).isNotEqualTo(of.get(9)).isNotEqualTo(of.get(12));
        assertThat(of.get(11)).as("informational alerts are suppressed").isNull();
        Incident exec = incidents.get(of.get(0)).orElseThrow();
        assertThat(exec.alertCount()).isEqualTo(4);
        assertThat(exec.severity().id()).as("escalated by the high alert").isEqualTo("high");
        assertThat(incidents.alerts(exec.id()))
                .extracting(IncidentAlert::duplicates)
                .containsExactly(2, 0);
        assertThat(incidents.get(of.get(6)).orElseThrow().source()).isEqualTo(ExerciseTag.incidentSource(EXERCISE));
        Incident web = incidents.get(of.get(3)).orElseThrow();
        assertThat(web.priority()).isEqualTo(1);
        assertThat(web.applications()).containsExactly(critical);
    }

    @Test
    void aRedeliveredBatchChangesNothingAndAPartlyNewOneAddsOnlyTheNewAlerts() {
        String critical = app("critical");
        String other = app("low");
        Instant t0 = Instant.now().plus(Duration.ofDays(6));
        List<Alert> batch = storm("again-" + UUID.randomUUID() + "-", critical, other, t0);
        List<Alert> first = batch.subList(0, 7);

        incidents.ingestAll(first);
        List<String> once = describe(batch, t0);
        assertThat(incidents.ingestAll(first)).as("nothing to do").isEmpty();
        assertThat(describe(batch, t0)).isEqualTo(once);

        // a batch that is half redelivered, half new, with an alert twice: the new ones join as they would have
        incidents.ingestAll(concat(batch, batch.get(9)));
        List<String> complete = describe(batch, t0);
        incidents.ingestAll(batch);
        assertThat(describe(batch, t0)).isEqualTo(complete);
        assertThat(incidents.incidentOf(batch.get(8).id())).isPresent();
        Incident carol = incidents
                .get(incidents.incidentOf(batch.get(8).id()).orElseThrow())
                .orElseThrow();
        assertThat(carol.alertCount()).isEqualTo(2);
        Incident dave = incidents
                .get(incidents.incidentOf(batch.get(9).id()).orElseThrow())
                .orElseThrow();
        assertThat(dave.alertCount())
                .as("an id repeated in a batch is grouped once")
                .isEqualTo(1);
    }

    @Test
    void aRaisedBatchIsOneDurableEventAndTheIntakeGroupsItOnceEvenWhenRedelivered() {
        String rule = "raised-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<NewAlert> news = new ArrayList<>();
        for (String host : List.of("srv-1", "srv-2", "srv-1")) {
            news.add(new NewAlert(
                    rule,
                    "Raised in a batch",
                    AlertLevel.MEDIUM,
                    List.of("attack.discovery"),
                    "batch-source",
                    null,
                    now,
                    now,
                    Map.of("host", host),
                    Map.of(),
                    "{}",
                    null,
                    null));
        }
        List<UUID> ids = alerts.raise(news).stream().map(Alert::id).toList();
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        ids.stream().allMatch(id -> incidents.incidentOf(id).isPresent()));
        AlertsRaised event = listener.batches().stream()
                .filter(b -> b.alertIds().contains(ids.getFirst()))
                .findFirst()
                .orElseThrow();
        assertThat(event.alertIds()).as("one event for the batch, in order").isEqualTo(ids);
        // one publication per listener for the whole batch, completed
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("""
                                        select count(*) from event_publication where serialized_event like ?
                                        and serialized_event like ? and listener_id like ?
                                        and completion_date is not null""")
                                .params("%" + ids.get(0) + "%", "%" + ids.get(2) + "%", "%AlertIntake%")
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(incidents.incidentOf(ids.get(0))).isEqualTo(incidents.incidentOf(ids.get(2)));
        assertThat(incidents.incidentOf(ids.get(1))).isNotEqualTo(incidents.incidentOf(ids.get(0)));

        // the registry redelivers the event after a crash between grouping and completion: nothing changes
        List<String> before = describeStored(ids);
        intake.group(alerts.getAll(event.alertIds()));
        assertThat(describeStored(ids)).isEqualTo(before);
    }

    @Test
    void anAlertThatCannotBeGroupedDoesNotHoldBackTheRestOfItsBatchAndStaysForRedelivery() {
        Instant t0 = Instant.now().plus(Duration.ofDays(20));
        String prefix = "poison-" + UUID.randomUUID() + "-";
        Alert good1 = alert(prefix, "a", AlertLevel.MEDIUM, t0, "syslog", null, user("gus"), List.of());
        Alert good2 = alert(prefix, "b", AlertLevel.MEDIUM, t0, "syslog", null, user("hal"), List.of());
        Alert bad = new Alert(
                UUID.randomUUID(),
                prefix + "c",
                "Broken",
                AlertLevel.MEDIUM,
                List.of(),
                List.of(),
                "syslog",
                null,
                t0,
                t0,
                null, // no creation time: grouping fails on it
                Map.of(),
                Map.of(),
                "{}",
                null,
                null);
        assertThatThrownBy(() -> intake.group(List.of(good1, bad, good2)))
                .as("the publication stays incomplete, to be redelivered")
                .hasMessageContaining("1 of 3 alerts could not be grouped")
                .hasMessageContaining(bad.id().toString());
        assertThat(incidents.incidentOf(good1.id())).isPresent();
        assertThat(incidents.incidentOf(good2.id())).isPresent();
        assertThat(incidents.incidentOf(bad.id())).isEmpty();
    }

    private List<String> describeStored(List<UUID> ids) {
        return describe(alerts.getAll(ids), Instant.EPOCH);
    }

    private static String rel(Instant t, Instant base) {
        return t == null ? "-" : Duration.between(base, t).toString();
    }

    private static List<Alert> concat(List<Alert> list, Alert extra) {
        List<Alert> out = new ArrayList<>(list);
        out.add(extra);
        return out;
    }

    private String app(String criticality) {
        String name =
                "batch-" + criticality + "-" + UUID.randomUUID().toString().substring(0, 8);
        inventory.create(new ApplicationRequest(name, "batch test", "team-batch", criticality, List.of()));
        return name;
    }

    /**
     * Everything grouping decided about these alerts, in terms that do not depend on ids, rule ids or clock: per
     * alert the index of its incident (in order of first appearance); per incident its attributes, listed alerts with
     * duplicate counts, timeline (kind and summary, alert entries by alert index), observables, tasks, obligations.
     */
    private List<String> describe(List<Alert> batch, Instant base) {
        Map<UUID, Integer> index = new LinkedHashMap<>();
        Map<UUID, Integer> alertIndex = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            alertIndex.put(batch.get(i).id(), i);
        }
        List<String> out = new ArrayList<>();
        StringBuilder partition = new StringBuilder("partition:");
        for (Alert a : batch) {
            UUID in = incidents.incidentOf(a.id()).orElse(null);
            if (in != null) {
                index.putIfAbsent(in, index.size());
            }
            partition.append(' ').append(in == null ? "-" : index.get(in));
        }
        out.add(partition.toString());
        for (Map.Entry<UUID, Integer> e : index.entrySet()) {
            Incident i = incidents.get(e.getKey()).orElseThrow();
            String n = "#" + e.getValue() + " ";
            out.add(n
                    + String.join(
                            " | ",
                            i.title(),
                            i.severity().id(),
                            "P" + i.priority(),
                            i.status().id(),
                            String.valueOf(i.classification()),
                            String.valueOf(i.owningTeam()),
                            String.valueOf(i.playbook()),
                            String.valueOf(i.escalationPolicy()),
                            i.applications().toString(),
                            i.assets().toString(),
                            i.techniques().toString(),
                            i.tactics().toString(),
                            String.valueOf(i.alertCount()),
                            rel(i.lastAlertAt(), base),
                            rel(i.occurredAt(), base),
                            rel(i.detectedAt(), base),
                            i.source(),
                            i.milestones().keySet().toString(),
                            i.triage().toString()));
            for (IncidentAlert a : incidents.alerts(i.id())) {
                out.add(n + "alert " + alertIndex.getOrDefault(a.alertId(), -1) + " x" + a.duplicates() + " "
                        + a.level() + " " + a.ruleTitle() + " " + rel(a.lastSeenAt(), base));
            }
            List<String> entries = new ArrayList<>();
            for (TimelineEntry t : timeline.list(i.id())) {
                if (t.kind().equals("page")) {
                    continue; // written later by the paging listener (asynchronous), not by grouping
                }
                String details = t.kind().equals("alert")
                        ? "alert " + alertIndex.getOrDefault(UUID.fromString(t.details()), -1)
                        : t.kind().equals("created") ? "" : String.valueOf(t.details());
                // deadlines anchored on a milestone reached "now" (p1) differ by the time between the runs
                entries.add((n + "timeline " + t.kind() + " " + t.summary() + " " + details)
                        .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "<time>"));
            }
            entries.sort(null); // obligations are attached after the batch, alert entries keep their own times
            out.addAll(entries);
            out.add(n + "observables "
                    + jdbc.sql("""
                            select string_agg(kind || ':' || value, ',' order by kind, value) from incident_observables
                            where incident_id = ?""").param(i.id()).query(String.class).optional().orElse(""));
            out.add(n + "tasks "
                    + jdbc.sql("select count(*) from incident_tasks where incident_id = ?")
                            .param(i.id())
                            .query(Long.class)
                            .single());
            out.add(n + "obligations "
                    + jdbc.sql("""
                            select string_agg(o.template_key || '/' || s.key || '/' || s.state || '/'
                                || (s.due_at is not null), ',' order by o.template_key, s.position)
                            from incident_obligations o join obligation_stages s on s.obligation_id = o.id
                            where o.incident_id = ?""").param(i.id()).query(String.class).optional().orElse(""));
            out.add(n + "audit "
                    + jdbc.sql("""
                            select string_agg(action, ',' order by seq) from audit_log
                            where object_type = 'incident' and object_id = ? and action like 'incident.%'""")
                            .param(i.id().toString())
                            .query(String.class)
                            .optional()
                            .orElse(""));
        }
        return out;
    }
}
