package dev.vigil.server.webhooks;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Managing subscriptions (the REST API and the admin page use it; other modules publish through
 * {@link WebhookPublisher}). Every change is audited. Invalid input is an {@link IllegalArgumentException}, an unknown
 * id a {@link java.util.NoSuchElementException}.
 */
public interface Webhooks {

    /** A new subscription and its secret, shown this once. */
    record Created(WebhookSubscription subscription, String secret) {}

    /**
     * @param secret the shared secret (16-256 characters), or null/blank to generate one
     */
    default Created create(String name, String url, List<String> eventTypes, String secret) {
        return create(name, url, eventTypes, secret, false);
    }

    /**
     * @param secret the shared secret (16-256 characters), or null/blank to generate one
     * @param includeExercises deliver events of replay exercises too ({@link WebhookSubscription#includeExercises()})
     */
    Created create(String name, String url, List<String> eventTypes, String secret, boolean includeExercises);

    /** Changes what is given (null: unchanged). */
    default WebhookSubscription update(UUID id, String name, String url, List<String> eventTypes, Boolean enabled) {
        return update(id, name, url, eventTypes, enabled, null);
    }

    /** Changes what is given (null: unchanged). */
    WebhookSubscription update(
            UUID id, String name, String url, List<String> eventTypes, Boolean enabled, Boolean includeExercises);

    /** A new secret, shown this once; the old one stops signing at once. */
    String rotateSecret(UUID id);

    boolean delete(UUID id);

    Optional<WebhookSubscription> find(UUID id);

    List<WebhookSubscription> list();

    /** Sends a {@code webhook.test} event to this subscription only; returns the event id. */
    UUID sendTest(UUID id);

    /** The delivery log of a subscription, newest first. */
    Page<WebhookDelivery> deliveries(UUID subscriptionId, PageQuery page);

    /** Tries a failed delivery again (a fresh series of attempts); false when it is not failed. */
    boolean redeliver(UUID subscriptionId, UUID deliveryId);

    /**
     * Retention: deletes the events that occurred before {@code before} and every delivery of them, unless one of
     * their deliveries is still pending (still being retried). Runs daily with {@code vigil.webhooks.retention}
     * (default 30 days); returns the number of events deleted.
     */
    int purge(java.time.Instant before);
}
