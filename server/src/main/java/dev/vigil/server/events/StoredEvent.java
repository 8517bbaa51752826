package dev.vigil.server.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * An event as the store keeps it.
 *
 * @param id the store id (alerts, hunts and incident evidence refer to it)
 * @param time the event's own time, or null when it has none
 * @param receivedAt when Vigil received it
 * @param source the log source it came in through
 * @param application the owning application, or null
 * @param logsource the Sigma logsource hints it was routed with, or null
 * @param raw the record as received, or null
 * @param event the normalised event as a flat JSON object (dotted names)
 * @param ingested decodes the event as detection sees it (parsed on demand)
 */
public record StoredEvent(
        long id,
        Instant time,
        Instant receivedAt,
        String source,
        String application,
        EventLogsource logsource,
        String raw,
        @JsonRawValue String event,
        @JsonIgnore Supplier<IngestedEvent> ingested) {

    @Override
    public String toString() {
        return "StoredEvent[" + id + " " + source + " " + receivedAt + "]";
    }

    /** The event as detection sees it (same fields, logsource, pipeline and event time as when it was received). */
    public IngestedEvent toIngested() {
        return ingested.get();
    }
}
