package dev.vigil.server.notify;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable, idempotent notification deliveries. Call {@link #enqueue} inside the transaction that decides to notify:
 * the delivery row and its timer commit (or roll back) with it.
 */
public interface Deliveries {

    /** Stores the delivery (or finds the one with the same dedup key) and schedules it; returns its id. */
    UUID enqueue(DeliveryRequest request);

    /** Cancels every pending delivery with this correlation (e.g. the page was acknowledged); returns how many. */
    int cancel(String correlation);

    /** Cancels the pending deliveries of a correlation to one recipient. */
    int cancel(String correlation, UUID recipient);

    /** Deliveries with this correlation, oldest first, with their attempts. */
    List<Delivery> byCorrelation(String correlation);

    Optional<Delivery> get(UUID id);
}
