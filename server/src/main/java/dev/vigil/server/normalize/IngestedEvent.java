package dev.vigil.server.normalize;

import dev.vigil.engine.event.Event;
import java.time.Instant;

/**
 * One normalized event on its way to detection (and, with issue 9, to the event store).
 *
 * @param sourceName the log source it was attributed to
 * @param application the owning application (the source's, else the sender's OTLP {@code service.name}), or null
 * @param receivedAt when Vigil received it (processing time; event time is {@code event.timestamp()})
 * @param raw the record as received (a syslog frame, an NDJSON line, a {@code _bulk} document; OTLP records as JSON)
 * @param event the parsed fields after the source's field-mapping pipeline, with logsource hints for routing
 */
public record IngestedEvent(String sourceName, String application, Instant receivedAt, String raw, Event event) {}
