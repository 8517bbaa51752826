package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.NewAlert;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.NewTimelineEntry;
import dev.vigil.server.incidents.Outcome;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.incidents.Rca;
import dev.vigil.server.incidents.RcaService;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.inventory.ApplicationRequest;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.testing.VigilServerTest;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Alerts to incidents and the incident life cycle on the real server: grouping (key, window, duplicates), triage
 * with the shipped default rules, manual promote/merge/link/split, validated status and phase transitions, the
 * closure gates (outcome, mandatory tasks, RCA, playbook fields) and the timeline with its CSV round trip.
 */
@VigilServerTest
class IncidentLifecycleTest {
    @Autowired
    AlertService alerts;

    @Autowired
    DefaultIncidentService incidents;

    @Autowired
    DefaultTaskService tasks;

    @Autowired
    RcaService rca;

    @Autowired
    TimelineService timeline;

    @Autowired
    InventoryService inventory;

    @Autowired
    JdbcClient jdbc;

    static Alert synthetic(String rule, AlertLevel level, Instant at, Map<String, String> entities, List<String> tags) {
        return TestAlerts.alert(rule, "Rule " + rule, level, tags, "test-source", null, at, entities);
    }

    Incident awaitIncidentOf(UUID alertId) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> incidents.incidentOf(alertId).isPresent());
        return incidents.get(incidents.incidentOf(alertId).orElseThrow()).orElseThrow();
    }

    @Test
    void raisedAlertsOpenIncidentsAndTheSameKeyJoinsWithDuplicatesCounted() {
        String rule = "grouping-" + UUID.randomUUID();
        NewAlert a = new NewAlert(
                rule,
                "Suspicious thing",
                AlertLevel.MEDIUM,
                List.of(),
                "syslog",
                null,
                null,
                Instant.now(),
                Map.of("user", "bob", "host", "web-1"),
                Map.of(),
                "{\"msg\":\"x\"}",
                "x",
                null);
        Alert first = alerts.raise(List.of(a)).getFirst();
        Incident incident = awaitIncidentOf(first.id());
        assertThat(incident.status()).isEqualTo(IncidentStatus.NEW);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.MEDIUM);
        assertThat(incident.triage().get("severity").rule()).isEqualTo("default");
        assertThat(incident.assets()).containsExactly("web-1");

        Alert duplicate = alerts.raise(List.of(a)).getFirst();
        Incident joined = awaitIncidentOf(duplicate.id());
        assertThat(joined.id()).isEqualTo(incident.id());
        List<IncidentAlert> listed = incidents.alerts(incident.id());
        assertThat(listed).hasSize(1);
        assertThat(listed.getFirst().duplicates()).isEqualTo(1);
        assertThat(joined.alertCount()).isEqualTo(2);
        assertThat(timeline.list(incident.id()).stream().filter(e -> e.kind().equals("alert")))
                .as("a duplicate is counted, not repeated on the timeline")
                .hasSize(1);

        NewAlert otherUser = new NewAlert(
                rule,
                "Suspicious thing",
                AlertLevel.MEDIUM,
                List.of(),
                "syslog",
                null,
                null,
                Instant.now(),
                Map.of("user", "eve", "host", "web-1"),
                Map.of(),
                "{}",
                null,
                null);
        Alert third = alerts.raise(List.of(otherUser)).getFirst();
        assertThat(awaitIncidentOf(third.id()).id()).isNotEqualTo(incident.id());

        // Observables were taken from the entities.
        assertThat(incidents.observables(incident.id()))
                .extracting(o -> o.kind() + ":" + o.value())
                .contains("user:bob", "host:web-1");
    }

    @Test
    void alertsJoinOnlyWithinTheWindowAndAWorseAlertEscalatesTheIncident() {
        String rule = "window-" + UUID.randomUUID();
        Instant t0 = Instant.now().plus(Duration.ofDays(3));
        Map<String, String> who = Map.of("user", "carol");
        Incident first = incidents
                .ingest(synthetic(rule, AlertLevel.LOW, t0, who, List.of()))
                .orElseThrow();
        assertThat(first.severity()).isEqualTo(IncidentSeverity.LOW);
        assertThat(first.priority()).isEqualTo(4);

        Incident second = incidents
                .ingest(synthetic(rule, AlertLevel.HIGH, t0.plus(Duration.ofMinutes(50)), who, List.of()))
                .orElseThrow();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.severity()).as("escalated, never lowered").isEqualTo(IncidentSeverity.HIGH);
        assertThat(second.priority()).isEqualTo(2);

        // 50 minutes after the last alert is within the 1 h window; 2 h after it is not.
        Incident third = incidents
                .ingest(synthetic(rule, AlertLevel.LOW, t0.plus(Duration.ofMinutes(100)), who, List.of()))
                .orElseThrow();
        assertThat(third.id()).isEqualTo(first.id());
        Incident fourth = incidents
                .ingest(synthetic(rule, AlertLevel.LOW, t0.plus(Duration.ofMinutes(220)), who, List.of()))
                .orElseThrow();
        assertThat(fourth.id()).isNotEqualTo(first.id());

        // Ingesting the same alert again (a redelivered event) changes nothing.
        Alert again = synthetic(rule, AlertLevel.LOW, t0.plus(Duration.ofMinutes(221)), who, List.of());
        Incident once = incidents.ingest(again).orElseThrow();
        int count = once.alertCount();
        assertThat(incidents.ingest(again).orElseThrow().alertCount()).isEqualTo(count);
    }

    @Test
    void defaultTriageRulesClassifyApplyThePlaybookAndRecordWhoDecided() {
        String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        inventory.create(new ApplicationRequest(app, "web shop", "team-web", "critical", List.of()));
        Alert sqli = TestAlerts.alert(
                "sqli-" + UUID.randomUUID(),
                "SQL injection",
                AlertLevel.HIGH,
                List.of("attack.initial-access", "attack.t1190"),
                "web",
                app,
                Instant.now(),
                Map.of("src_ip", "203.0.113.50"));
        Incident i = incidents.ingest(sqli).orElseThrow();
        assertThat(i.severity()).isEqualTo(IncidentSeverity.CRITICAL);
        assertThat(i.priority()).isEqualTo(1);
        assertThat(i.classification()).isEqualTo(new Classification("intrusions", "application-compromise"));
        assertThat(i.firstClassification()).isEqualTo(i.classification());
        assertThat(i.playbook()).isEqualTo("web-application-compromise");
        assertThat(i.techniques()).containsExactly("T1190");
        assertThat(i.triage().get("severity").rule()).isEqualTo("critical-application-high-alert");
        assertThat(i.triage().get("classification").rule()).isEqualTo("web-application-exploitation");
        assertThat(i.milestones()).containsKey("p1");
        assertThat(tasks.list(i.id())).extracting(IncidentTask::title).contains("Fix the vulnerability and redeploy");

        // Informational alerts are suppressed by the default rules.
        assertThat(incidents.ingest(synthetic(
                        "info-" + UUID.randomUUID(), AlertLevel.INFORMATIONAL, Instant.now(), Map.of(), List.of())))
                .isEmpty();
    }

    @Test
    void transitionsAreValidatedAndClosingWaitsForEveryGate() {
        Incident i = incidents.create(new NewIncident(
                "Phishing wave",
                "Reported by finance",
                IncidentSeverity.HIGH,
                null,
                new Classification("fraud", "phishing"),
                "soc",
                "alice",
                List.of("mail"),
                List.of(),
                null,
                null,
                null,
                "phishing"));
        assertThat(i.priority()).isEqualTo(2);
        assertThat(i.source()).isEqualTo("manual");
        assertThat(i.reportedAt()).isNotNull();

        assertThatThrownBy(() -> incidents.transition(i.id(), IncidentStatus.CLOSED, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot move");
        assertThat(incidents.update(i.id(), phase(Phase.RECOVERY, null)).phase())
                .isEqualTo(Phase.RECOVERY);
        assertThatThrownBy(() -> incidents.update(i.id(), phase(Phase.CONTAINMENT, null)))
                .hasMessageContaining("needs a reason");
        assertThat(incidents
                        .update(i.id(), phase(Phase.CONTAINMENT, "eradication found more hosts"))
                        .phase())
                .isEqualTo(Phase.CONTAINMENT);

        Incident acked = incidents.transition(i.id(), IncidentStatus.ACKNOWLEDGED, null);
        assertThat(acked.acknowledgedAt()).isNotNull();
        Incident contained = incidents.transition(i.id(), IncidentStatus.CONTAINED, null);
        assertThat(contained.containedAt()).isNotNull();
        Incident resolved = incidents.transition(i.id(), IncidentStatus.RESOLVED, "mail purged");
        assertThat(resolved.phase()).isEqualTo(Phase.RECOVERY);

        List<String> blockers = incidents.closureBlockers(i.id());
        assertThat(blockers).anyMatch(b -> b.contains("outcome is not set"));
        assertThat(blockers).anyMatch(b -> b.contains("mandatory task"));
        assertThat(blockers).anyMatch(b -> b.contains("root-cause analysis is required for high"));
        assertThat(blockers).anyMatch(b -> b.contains("observables (required by playbook Phishing)"));
        assertThatThrownBy(() -> incidents.transition(i.id(), IncidentStatus.CLOSED, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot close");

        incidents.update(i.id(), outcome(Outcome.TRUE_POSITIVE_WITHOUT_IMPACT));
        incidents.addObservable(i.id(), "domain", "evil.example", "landing page", true);
        for (IncidentTask t : tasks.list(i.id())) {
            if (t.mandatory()) {
                tasks.complete(i.id(), t.id(), "done");
            } else {
                assertThatThrownBy(() -> tasks.skip(i.id(), t.id(), " ")).hasMessageContaining("why");
                tasks.skip(i.id(), t.id(), "not applicable");
            }
        }
        RcaService.Draft incomplete = new RcaService.Draft("Users clicked", List.of(), List.of(), List.of(), null);
        rca.save(i.id(), incomplete);
        assertThatThrownBy(() -> rca.complete(i.id())).hasMessageContaining("at least one root cause");
        assertThat(incidents.closureBlockers(i.id())).singleElement().asString().contains("root-cause analysis");

        rca.save(
                i.id(),
                new RcaService.Draft(
                        "Credential phishing reached 40 users; two entered passwords.",
                        List.of(new Rca.Cause("technology", "The gateway did not rewrite links in forwarded mail")),
                        List.of("No phishing-resistant MFA"),
                        List.of(new Rca.CorrectiveAction(
                                "Enable URL rewriting for forwarded mail",
                                "mail-team",
                                LocalDate.of(2026, 12, 1),
                                "open")),
                        "Report buttons work: the first report came after 4 minutes."));
        assertThat(rca.complete(i.id()).completed()).isTrue();

        Incident closed = incidents.transition(i.id(), IncidentStatus.CLOSED, "done");
        assertThat(closed.closedAt()).isNotNull();
        assertThat(closed.phase()).isEqualTo(Phase.POST_INCIDENT);
        assertThat(closed.finalClassification()).isEqualTo(new Classification("fraud", "phishing"));
        // A closed record is changed only by reopening it (with a note), as on the incident page.
        assertThatThrownBy(() -> incidents.update(i.id(), outcome(Outcome.BENIGN)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed; reopen it");
        assertThat(incidents.get(i.id()).orElseThrow().outcome()).isEqualTo(closed.outcome());

        // Reopening needs a reason and clears the closing.
        assertThatThrownBy(() -> incidents.transition(i.id(), IncidentStatus.ACKNOWLEDGED, null))
                .hasMessageContaining("reopening needs a note");
        Incident reopened = incidents.transition(i.id(), IncidentStatus.ACKNOWLEDGED, "second wave");
        assertThat(reopened.closedAt()).isNull();
        assertThat(reopened.status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertThat(incidents.update(i.id(), outcome(Outcome.BENIGN)).outcome()).isEqualTo(Outcome.BENIGN);

        assertThat(timeline.list(i.id()))
                .extracting(TimelineEntry::summary)
                .contains("Status: resolved -> closed", "Root-cause analysis completed");
        assertThat(jdbc.sql("select count(*) from audit_log where object_type = 'incident' and object_id = ?")
                        .param(i.id().toString())
                        .query(Long.class)
                        .single())
                .isGreaterThan(10);
    }

    @Test
    void anRcaCanBeWaivedWithAReasonAndLowIncidentsNeedNone() {
        Incident low = incidents.create(new NewIncident(
                "Port scan", null, IncidentSeverity.LOW, null, null, null, null, null, null, null, null, null, null));
        incidents.transition(low.id(), IncidentStatus.RESOLVED, "benign scanner");
        incidents.update(low.id(), outcome(Outcome.BENIGN));
        assertThat(incidents.closureBlockers(low.id())).isEmpty();

        Incident high = incidents.create(new NewIncident(
                "Admin login from abroad",
                null,
                IncidentSeverity.CRITICAL,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
        incidents.transition(high.id(), IncidentStatus.RESOLVED, "false alarm: travelling admin");
        incidents.update(high.id(), outcome(Outcome.FALSE_POSITIVE));
        assertThat(incidents.closureBlockers(high.id())).anyMatch(b -> b.contains("root-cause analysis"));
        assertThatThrownBy(() -> rca.waive(high.id(), "")).hasMessageContaining("reason");
        Rca waived = rca.waive(high.id(), "False positive: no cause to analyse");
        assertThat(waived.waivedBy()).isEqualTo("system");
        // A critical P1 incident also carries the internal legal and management obligations: mark them.
        incidents.closureBlockers(high.id()).forEach(b -> assertThat(b).contains("notification not submitted"));
    }

    @Test
    void mergeLinkSplitAndPromoteKeepEverything() {
        String rule = "merge-" + UUID.randomUUID();
        Instant t = Instant.now().plus(Duration.ofDays(5));
        Incident a = incidents
                .ingest(synthetic(rule, AlertLevel.MEDIUM, t, Map.of("host", "db-1"), List.of()))
                .orElseThrow();
        Alert bAlert = synthetic(rule, AlertLevel.HIGH, t, Map.of("host", "db-2"), List.of("attack.t1059"));
        Incident b = incidents.ingest(bAlert).orElseThrow();
        assertThat(b.id()).isNotEqualTo(a.id());

        Incident merged = incidents.merge(a.id(), b.id(), "same attacker");
        assertThat(merged.alertCount()).isEqualTo(2);
        assertThat(merged.severity()).isEqualTo(IncidentSeverity.HIGH);
        assertThat(merged.assets()).contains("db-1", "db-2");
        Incident source = incidents.get(b.id()).orElseThrow();
        assertThat(source.status()).isEqualTo(IncidentStatus.MERGED);
        assertThat(source.mergedInto()).isEqualTo(a.id());
        assertThat(incidents.alerts(a.id()))
                .extracting(IncidentAlert::originIncident)
                .contains(b.id());
        assertThat(incidents.links(b.id())).extracting(l -> l.kind()).contains("merged");
        assertThatThrownBy(() -> incidents.update(b.id(), outcome(Outcome.BENIGN)))
                .hasMessageContaining("merged");

        Incident split = incidents.split(a.id(), List.of(bAlert.id()), "db-2 separately");
        assertThat(split.source()).isEqualTo("split");
        assertThat(incidents.alerts(split.id()))
                .extracting(IncidentAlert::alertId)
                .containsExactly(bAlert.id());
        assertThat(incidents.get(a.id()).orElseThrow().alertCount()).isEqualTo(1);
        assertThatThrownBy(() -> incidents.split(
                        a.id(),
                        incidents.alerts(a.id()).stream()
                                .map(IncidentAlert::alertId)
                                .toList(),
                        null))
                .hasMessageContaining("keep at least one");

        incidents.link(a.id(), split.id(), "same campaign");
        assertThat(incidents.links(a.id())).extracting(l -> l.kind()).contains("related", "split");

        // Promote: an alert in no incident opens one; an alert in an incident is split out of it.
        String promoted = "promote-" + UUID.randomUUID();
        Alert raised = alerts.raise(List.of(new NewAlert(
                        promoted,
                        "Promoted",
                        AlertLevel.INFORMATIONAL,
                        List.of(),
                        "syslog",
                        null,
                        null,
                        Instant.now(),
                        Map.of(),
                        Map.of(),
                        "{}",
                        null,
                        null)))
                .getFirst();
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(incidents.incidentOf(raised.id()))
                .as("informational: suppressed")
                .isEmpty();
        Incident fromAlert = incidents.promote(raised.id());
        assertThat(fromAlert.source()).isEqualTo("manual");
        assertThat(incidents.incidentOf(raised.id())).contains(fromAlert.id());
    }

    @Test
    void theTimelineRoundTripsThroughCsvAndABadFileImportsNothing() {
        Incident i = incidents.create(new NewIncident(
                "War room test",
                null,
                IncidentSeverity.MEDIUM,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
        timeline.add(
                i.id(),
                new NewTimelineEntry(
                        "communication",
                        Instant.now().minusSeconds(600),
                        "=HYPERLINK(\"http://evil\")",
                        "told the CFO about scope",
                        "CFO",
                        "phone"));
        timeline.add(
                i.id(), new NewTimelineEntry("decision", null, "Take the shop offline", "risk accepted", null, null));
        assertThatThrownBy(
                        () -> timeline.add(i.id(), new NewTimelineEntry("communication", null, "x", null, null, null)))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> timeline.add(i.id(), new NewTimelineEntry("status", null, "x", null, null, null)))
                .hasMessageContaining("kind must be");

        StringWriter csv = new StringWriter();
        timeline.exportCsv(i.id(), csv);
        assertThat(csv.toString()).startsWith("at,kind,automatic,actor,summary,details,audience,channel");
        assertThat(csv.toString()).contains("'=HYPERLINK").doesNotContain(",=HYPERLINK");

        Incident other = incidents.create(new NewIncident(
                "Import target", null, null, null, null, null, null, null, null, null, null, null, null));
        TimelineService.ImportResult ok = timeline.importCsv(other.id(), new StringReader(csv.toString()));
        assertThat(ok.errors()).isEmpty();
        // The manual entries come across; the automatic ones belong to the other incident and are skipped.
        assertThat(ok.imported()).isEqualTo(2);
        assertThat(ok.skipped()).isPositive();
        List<TimelineEntry> imported =
                timeline.list(other.id()).stream().filter(e -> !e.automatic()).toList();
        assertThat(imported)
                .extracting(TimelineEntry::summary)
                .containsExactly("=HYPERLINK(\"http://evil\")", "Take the shop offline");
        assertThat(imported.getFirst().audience()).isEqualTo("CFO");

        String bad = "at,kind,summary\n2026-01-01T10:00:00Z,note,fine\nyesterday,note,broken\n2026-01-01T11:00:00Z,"
                + "status,not manual\n";
        TimelineService.ImportResult refused = timeline.importCsv(other.id(), new StringReader(bad));
        assertThat(refused.imported()).isZero();
        assertThat(refused.errors()).hasSize(2);
        assertThat(refused.errors().getFirst()).startsWith("line 3:");
        assertThat(timeline.list(other.id()).stream().filter(e -> e.summary().equals("fine")))
                .isEmpty();
    }

    static IncidentUpdate phase(Phase p, String reason) {
        return new IncidentUpdate(
                null, null, null, null, p, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, reason);
    }

    static IncidentUpdate outcome(Outcome o) {
        return new IncidentUpdate(
                null, null, null, null, null, o, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
