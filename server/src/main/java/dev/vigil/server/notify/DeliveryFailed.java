package dev.vigil.server.notify;

import java.time.Instant;
import java.util.UUID;

/** Published when a delivery has failed for good (permanent failure, or transient failures until the limit). */
public record DeliveryFailed(
        UUID deliveryId, String correlation, UUID channelId, UUID recipient, String kind, String reason, Instant at) {}
