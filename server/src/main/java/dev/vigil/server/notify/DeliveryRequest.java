package dev.vigil.server.notify;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One notification for one channel.
 *
 * @param dedupKey unique per intended notification: enqueueing the same key again returns the first delivery
 * @param correlation groups deliveries for history and cancellation, e.g. {@code page:<uuid>}
 * @param recipient the person notified, or null (shared channels)
 * @param notBefore when to send (rule delays)
 * @param chainGroup deliveries that are the ordered steps of one notification-rule set, or null
 * @param chainPosition this delivery's step in the chain: when it fails for good, the next one is sent at once
 */
public record DeliveryRequest(
        String dedupKey,
        String correlation,
        UUID channelId,
        UUID recipient,
        Notification notification,
        Instant notBefore,
        String chainGroup,
        int chainPosition) {
    public DeliveryRequest {
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(correlation, "correlation");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(notBefore, "notBefore");
    }
}
