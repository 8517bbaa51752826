package dev.vigil.server.webhooks;

/**
 * Publishes an event to every enabled subscription whose event types match {@code type}. Call it in the transaction
 * of the change: the event and its deliveries are stored (and their delivery scheduled) with it, and sent after the
 * commit, retried with backoff until delivered or given up. {@code data} is any Jackson-serialisable value; it becomes
 * the payload's {@code data} member. Events of replay exercises go only to subscriptions that include exercises.
 */
public interface WebhookPublisher {

    /**
     * @param type the event type, {@code <object>.<what happened>}, e.g. {@code incident.opened}
     * @param eventId a stable id of this event (receivers use it to drop duplicates); the same id is published once
     * @param data the event's data
     */
    default void publish(String type, java.util.UUID eventId, Object data) {
        publish(type, eventId, data, false);
    }

    /**
     * @param exercise the event stems from a replay exercise (an exercise's alert or incident): delivered only to the
     *     subscriptions that include exercises ({@link WebhookSubscription#includeExercises()})
     */
    void publish(String type, java.util.UUID eventId, Object data, boolean exercise);
}
