package dev.vigil.server.normalize;

import java.time.Instant;
import java.util.Map;

/**
 * One normalized event on its way to detection.
 *
 * @param sourceName the log source it was attributed to
 * @param application the owning application (the source's, or the sender's service name), or null
 * @param receivedAt when Vigil received it (processing time; event time is in the event)
 * @param raw the record as received (a syslog frame, an NDJSON line, a {@code _bulk} document, OTLP as JSON)
 * @param fields the parsed fields (placeholder until the engine's Event lands on main)
 */
public record IngestedEvent(
        String sourceName, String application, Instant receivedAt, String raw, Map<String, Object> fields) {}
