package dev.vigil.server.normalize;

import dev.vigil.engine.event.Event;
import java.time.Instant;

/**
 * One normalized event on its way to the event store and detection.
 *
 * @param sourceName the log source it was attributed to
 * @param application the owning application (the source's, else the sender's OTLP {@code service.name}), or null
 * @param receivedAt when Vigil received it (processing time; event time is {@code event.timestamp()})
 * @param raw the record as received (a syslog frame, an NDJSON line, a {@code _bulk} document; OTLP records as JSON)
 * @param event the parsed fields after the source's field-mapping pipeline, with logsource hints for routing
 * @param id the event's id in the event store, assigned when the store took it; {@link #UNSTORED} (0) before that, or
 *     when no durable store is configured. Alerts, searches and evidence refer to events by this id.
 */
public record IngestedEvent(
        String sourceName, String application, Instant receivedAt, String raw, Event event, long id) {
    /** The id of an event the store has not taken (yet). Stored ids start at 1. */
    public static final long UNSTORED = 0;

    /** An event not yet stored. */
    public IngestedEvent(String sourceName, String application, Instant receivedAt, String raw, Event event) {
        this(sourceName, application, receivedAt, raw, event, UNSTORED);
    }

    /** This event with its store id. */
    public IngestedEvent withId(long storeId) {
        return new IngestedEvent(sourceName, application, receivedAt, raw, event, storeId);
    }

    public boolean stored() {
        return id != UNSTORED;
    }
}
