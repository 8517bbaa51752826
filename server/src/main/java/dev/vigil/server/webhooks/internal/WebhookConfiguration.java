package dev.vigil.server.webhooks.internal;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertsRaised;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.platform.audit.AuditRecorded;
import dev.vigil.server.webhooks.ExerciseObjects;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery task (db-scheduler, one execution per delivery, rescheduled with backoff until done) and the
 * listeners that turn alerts and audited changes into webhook events. The listeners are Spring Modulith
 * {@code @ApplicationModuleListener}s: their events are persisted until handled, so a crash between a change and its
 * webhook loses nothing, and the event ids (the alert's, the audit entry's) make a redelivered event publish once.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {
    static final String TASK = "webhook-delivery";

    @Bean
    CustomTask<String> webhookDelivery(ObjectProvider<WebhookService> service) {
        return Tasks.custom(TASK, String.class).execute((instance, context) -> {
            Instant next = service.getObject().attempt(UUID.fromString(instance.getId()));
            if (next == null) {
                return new CompletionHandler.OnCompleteRemove<>();
            }
            return (complete, operations) -> operations.reschedule(complete, next);
        });
    }

    /** Retention of the event and delivery log ({@code vigil.webhooks.retention}). */
    @Bean
    RecurringTask<Void> webhookRetention(ObjectProvider<WebhookService> service, WebhookProperties properties) {
        return Tasks.recurring("webhook-retention", FixedDelay.of(properties.retentionInterval()))
                .execute((instance, context) -> service.getObject().purgeExpired());
    }

    @Component
    static class Listeners {
        private static final JsonMapper JSON = JsonMapper.builder().build();
        private final WebhookService webhooks;
        private final ObjectProvider<ExerciseObjects> exerciseObjects;

        Listeners(WebhookService webhooks, ObjectProvider<ExerciseObjects> exerciseObjects) {
            this.webhooks = webhooks;
            this.exerciseObjects = exerciseObjects;
        }

        /**
         * One {@code alert.raised} webhook event per alert of the batch, with the alert's summary as before; alerts of
         * replay exercises (their source names the exercise) only to subscriptions that include exercises.
         */
        @ApplicationModuleListener
        void on(AlertsRaised batch) {
            Map<UUID, AlertRaised> production = new LinkedHashMap<>();
            Map<UUID, AlertRaised> exercise = new LinkedHashMap<>();
            for (AlertRaised alert : batch.alerts()) {
                (ExerciseTag.isExercise(alert.source()) ? exercise : production).put(alert.alertId(), alert);
            }
            if (!production.isEmpty()) {
                webhooks.publishAll("alert.raised", production, false);
            }
            if (!exercise.isEmpty()) {
                webhooks.publishAll("alert.raised", exercise, true);
            }
        }

        @ApplicationModuleListener
        void on(AuditRecorded change) {
            if (change.objectType().equals("session")) {
                return; // sign-ins are audited, not announced
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("object_type", change.objectType());
            data.put("object_id", change.objectId());
            data.put("action", change.action());
            data.put("actor", change.actor());
            data.put("audit_seq", change.seq());
            JsonNode before = change.before() == null ? null : JSON.readTree(change.before());
            JsonNode after = change.after() == null ? null : JSON.readTree(change.after());
            data.put("before", before);
            data.put("after", after);
            webhooks.publish(change.eventType(), change.entryId(), data, exercise(change, before, after));
        }

        /**
         * An audited change of an exercise's object: the object (before or after) names an exercise source, or the
         * module owning the object says it is an exercise's (an exercise incident's status change, ...).
         */
        private boolean exercise(AuditRecorded change, JsonNode before, JsonNode after) {
            for (JsonNode state : new JsonNode[] {before, after}) {
                if (state != null
                        && state.isObject()
                        && state.path("source").isString()
                        && ExerciseTag.isExercise(state.path("source").asString())) {
                    return true;
                }
            }
            return exerciseObjects.orderedStream().anyMatch(o -> o.isExercise(change.objectType(), change.objectId()));
        }
    }
}
