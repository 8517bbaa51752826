package dev.vigil.server.incidents.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.server.incidents.DeadlineStage;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentObligation;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.ObligationService;
import dev.vigil.server.incidents.Submission;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Notification obligations on the real server: deadlines from the incident's awareness time, stages anchored to the
 * previous submission (NIS2 final report one month after the notification), escalation to at risk and overdue when the
 * sweep runs at a given instant, a late submission refused without a justification and recorded as late with one.
 */
@VigilServerTest
class ObligationLifecycleTest {
    @Autowired
    DefaultIncidentService incidents;

    @Autowired
    ObligationService obligations;

    @Autowired
    dev.vigil.server.incidents.TimelineService timeline;

    private DeadlineStage stage(IncidentObligation o, String key) {
        return obligations.forIncident(o.incidentId()).stream()
                .filter(x -> x.id().equals(o.id()))
                .flatMap(x -> x.stages().stream())
                .filter(s -> s.key().equals(key))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void nis2StagesFollowAwarenessAndThePreviousSubmissionAndLateSubmissionsNeedAReason() {
        Instant detected = Instant.now().minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.SECONDS);
        Incident i = incidents.create(new NewIncident(
                "Ransomware on the billing cluster",
                null,
                IncidentSeverity.HIGH,
                2,
                null,
                null,
                null,
                null,
                null,
                null,
                detected,
                null,
                null));
        IncidentObligation nis2 = obligations.attach(i.id(), "nis2-art23", "essential entity (energy)");
        List<DeadlineStage> stages = nis2.stages();
        assertThat(stages).hasSizeGreaterThanOrEqualTo(3);
        DeadlineStage early = stages.get(0);
        DeadlineStage notification = stages.get(1);
        DeadlineStage last = stages.get(stages.size() - 1);
        assertThat(early.dueAt()).isEqualTo(detected.plus(Duration.ofHours(24)));
        assertThat(notification.dueAt()).isEqualTo(detected.plus(Duration.ofHours(72)));
        assertThat(last.dueAt())
                .as("the final report waits for the notification")
                .isNull();
        assertThat(last.state()).isEqualTo("waiting");

        // The sweep at "now": the early warning (due 6 h ago) is overdue, the notification (due in 42 h) is not.
        obligations.escalate(Instant.now());
        assertThat(stage(nis2, early.key()).state()).isEqualTo("overdue");
        assertThat(stage(nis2, notification.key()).state()).isEqualTo("pending");
        assertThat(timeline.list(i.id()))
                .anyMatch(e -> e.kind().equals("deadline")
                        && e.summary().startsWith("Deadline missed: ")
                        && e.summary().contains(early.name()));
        // The sweep as of one hour before the notification's deadline: at risk (escalated), not yet overdue.
        obligations.escalate(notification.dueAt().minus(Duration.ofHours(1)));
        assertThat(stage(nis2, notification.key()).state()).isEqualTo("at_risk");
        assertThat(stage(nis2, notification.key()).warnedAt())
                .isEqualTo(notification.dueAt().minus(Duration.ofHours(1)));
        assertThat(timeline.list(i.id()))
                .anyMatch(e -> e.summary().startsWith("Deadline at risk: ")
                        && e.summary().contains("1h 0m left"));
        // Sweeping again changes nothing (the timers and the periodic sweep may both run).
        obligations.escalate(notification.dueAt().minus(Duration.ofMinutes(59)));
        assertThat(stage(nis2, notification.key()).warnedAt())
                .isEqualTo(notification.dueAt().minus(Duration.ofHours(1)));
        assertThat(timeline.list(i.id()).stream().filter(e -> e.summary().startsWith("Deadline at risk: ")))
                .hasSize(1);

        assertThatThrownBy(() -> obligations.submit(
                        i.id(), early.id(), new Submission(null, "CSIRT", "early warning", null, null)))
                .hasMessageContaining("justification");
        DeadlineStage sent = obligations.submit(
                i.id(),
                early.id(),
                new Submission(null, "national CSIRT", "early warning", "CSIRT-2026-17", "scope was unclear"));
        assertThat(sent.late()).isTrue();
        assertThat(sent.lateJustification()).isEqualTo("scope was unclear");
        assertThat(sent.state()).isEqualTo("submitted");
        assertThat(sent.submittedTo()).isEqualTo("national CSIRT");
        assertThat(sent.submittedWhat()).isEqualTo("early warning");
        assertThat(sent.reference()).isEqualTo("CSIRT-2026-17");
        assertThat(sent.submittedBy()).isNotBlank();
        assertThat(sent.submittedAt()).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThatThrownBy(() -> obligations.submit(
                        i.id(),
                        notification.id(),
                        new Submission(Instant.now().plus(Duration.ofHours(1)), "CSIRT", "x", null, null)))
                .hasMessageContaining("future");
        assertThatThrownBy(() ->
                        obligations.submit(i.id(), notification.id(), new Submission(null, "CSIRT", " ", null, null)))
                .hasMessageContaining("what");

        Instant notifiedAt = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        DeadlineStage notified = obligations.submit(
                i.id(),
                notification.id(),
                new Submission(notifiedAt, "national CSIRT", "incident notification", null, null));
        assertThat(notified.late()).isFalse();
        DeadlineStage fin = stage(nis2, last.key());
        assertThat(fin.dueAt())
                .as("one month after the notification")
                .isEqualTo(notifiedAt
                        .atZone(java.time.ZoneOffset.UTC)
                        .plusMonths(1)
                        .toInstant());
        assertThat(incidents.closureBlockers(i.id())).anyMatch(b -> b.contains("notification not submitted"));
    }

    @Test
    void aTemplateChangeReachesOpenIncidentsOnlyWhenAppliedAndOnlyWhereTheStagesMatch() {
        String key = "lc-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        obligations.saveTemplateYaml("key: " + key + "\nname: Board briefing\nstakeholder: senior-management\n"
                + "stages:\n  - key: briefing\n    name: Briefing\n    anchor: awareness\n    after: 8h\n");
        assertThat(obligations.templateYaml(key)).contains("after: 8h", "anchor: awareness");
        assertThatThrownBy(() -> obligations.saveTemplateYaml("key: " + key + "\nname: x\nstages: []\nbogus: 1\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus");
        Instant detected = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Incident i = incidents.create(new NewIncident(
                "Board-level incident",
                null,
                IncidentSeverity.LOW,
                4,
                null,
                null,
                null,
                null,
                null,
                null,
                detected,
                null,
                null));
        IncidentObligation o = obligations.attach(i.id(), key, "the board asked");
        assertThat(o.stages().getFirst().dueAt()).isEqualTo(detected.plus(Duration.ofHours(8)));

        // Saved: attached obligations keep their definition until the change is applied.
        obligations.saveTemplateYaml("key: " + key + "\nname: Board briefing\nstakeholder: senior-management\n"
                + "stages:\n  - key: briefing\n    name: Briefing\n    anchor: awareness\n    after: 4h\n");
        assertThat(stage(o, "briefing").dueAt()).isEqualTo(detected.plus(Duration.ofHours(8)));
        assertThat(obligations.applyTemplate(key)).isEqualTo(1);
        assertThat(stage(o, "briefing").dueAt()).isEqualTo(detected.plus(Duration.ofHours(4)));
        assertThat(timeline.list(i.id())).anyMatch(e -> e.summary().startsWith("Deadline moved: Briefing"));

        // Different stages: left as it is, and the timeline says why.
        obligations.saveTemplateYaml("key: " + key + "\nname: Board briefing\nstakeholder: senior-management\n"
                + "stages:\n  - key: call\n    name: Call\n    anchor: awareness\n    after: 1h\n");
        assertThat(obligations.applyTemplate(key)).isZero();
        assertThat(stage(o, "briefing").dueAt()).isEqualTo(detected.plus(Duration.ofHours(4)));
        assertThat(timeline.list(i.id())).anyMatch(e -> e.summary().startsWith("Template change not applied"));
    }
}
