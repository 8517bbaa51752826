package dev.vigil.server.notify;

import java.time.Instant;
import java.util.UUID;

/** Published when a delivery was accepted by its receiver. */
public record DeliverySucceeded(
        UUID deliveryId, String correlation, UUID channelId, UUID recipient, String kind, Instant at) {}
