package dev.vigil.server.notify;

import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import java.util.List;
import java.util.Locale;
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

    /**
     * One page of the deliveries matching {@code filter}, by creation ({@code createdAt}, oldest first unless
     * {@code createdAt,desc}), each with its attempts; pages by offset or by keyset cursor.
     *
     * @throws IllegalArgumentException for another sort or an invalid cursor
     */
    Page<Delivery> search(Filter filter, PageQuery page);

    /**
     * Which deliveries; null parts match everything.
     *
     * @param correlation what the delivery belongs to, exactly as stored: {@code page:<page id>} (the deliveries of an
     *     on-call page, which is about an alert or incident), {@code check:<run id>} (out-of-band checks)
     * @param channelId the channel it went (or goes) through
     * @param recipient the person it was for
     * @param status pending, sent, failed or cancelled
     */
    record Filter(String correlation, UUID channelId, UUID recipient, String status) {
        /** The statuses a delivery has. */
        public static final List<String> STATUSES = List.of("pending", "sent", "failed", "cancelled");

        public Filter {
            correlation = correlation == null || correlation.isBlank() ? null : correlation.strip();
            if (correlation != null && correlation.length() > 300) {
                throw new IllegalArgumentException("correlation is too long (at most 300 characters)");
            }
            status = status == null || status.isBlank() ? null : status.strip().toLowerCase(Locale.ROOT);
            if (status != null && !STATUSES.contains(status)) {
                throw new IllegalArgumentException(
                        "unknown status '" + status + "' (expected " + String.join(", ", STATUSES) + ")");
            }
        }
    }
}
