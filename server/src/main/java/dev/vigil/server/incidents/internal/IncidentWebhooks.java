package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.webhooks.ExerciseObjects;
import dev.vigil.server.webhooks.WebhookPublisher;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Relays the incident events to webhook subscribers ({@code incident.created}, {@code incident.updated},
 * {@code incident.status_changed}, {@code incident.closed}, {@code incident.alert_added},
 * {@code incident.deadline_at_risk}, {@code incident.deadline_missed}, {@code incident.submission_recorded}), in the
 * transaction of the change, so that a change and its webhook deliveries are stored together. The event id is derived
 * from the event itself: the same event is never delivered twice under two ids.
 *
 * <p>Events of an incident opened by a replay exercise ({@code Incident.exerciseId()}) are published as exercise
 * events: only subscriptions that include exercises receive them. The same holds for the audited changes of such an
 * incident ({@link ExerciseObjects}).
 */
@Component
class IncidentWebhooks implements ExerciseObjects {
    private final WebhookPublisher webhooks;
    private final JdbcClient jdbc;

    IncidentWebhooks(WebhookPublisher webhooks, JdbcClient jdbc) {
        this.webhooks = webhooks;
        this.jdbc = jdbc;
    }

    private void publish(String type, UUID incident, Record event) {
        webhooks.publish(
                type,
                UUID.nameUUIDFromBytes((type + "|" + event).getBytes(StandardCharsets.UTF_8)),
                event,
                isExercise(incident));
    }

    /** Whether the incident was opened by an exercise's replay (its row, read in the transaction of the change). */
    boolean isExercise(UUID incident) {
        return jdbc.sql("select exercise_id is not null from incidents where id = ?")
                .param(incident)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    @Override
    public boolean isExercise(String objectType, String objectId) {
        if (!"incident".equals(objectType) || objectId == null) {
            return false;
        }
        UUID id;
        try {
            id = UUID.fromString(objectId);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return isExercise(id);
    }

    @EventListener
    void on(IncidentEvents.IncidentCreated e) {
        webhooks.publish(
                "incident.created",
                UUID.nameUUIDFromBytes(("incident.created|" + e).getBytes(StandardCharsets.UTF_8)),
                e,
                ExerciseTag.isExercise(e.source()) || isExercise(e.incidentId()));
    }

    @EventListener
    void on(IncidentEvents.IncidentUpdated e) {
        publish("incident.updated", e.incidentId(), e);
    }

    @EventListener
    void on(IncidentEvents.IncidentStatusChanged e) {
        publish("incident.status_changed", e.incidentId(), e);
    }

    @EventListener
    void on(IncidentEvents.IncidentClosed e) {
        publish("incident.closed", e.incidentId(), e);
    }

    @EventListener
    void on(IncidentEvents.AlertGrouped e) {
        if (!e.duplicate()) {
            publish("incident.alert_added", e.incidentId(), e);
        }
    }

    @EventListener
    void on(IncidentEvents.DeadlineAtRisk e) {
        publish("incident.deadline_at_risk", e.incidentId(), e);
    }

    @EventListener
    void on(IncidentEvents.DeadlineMissed e) {
        publish("incident.deadline_missed", e.incidentId(), e);
    }

    @EventListener
    void on(IncidentEvents.SubmissionRecorded e) {
        publish("incident.submission_recorded", e.incidentId(), e);
    }
}
