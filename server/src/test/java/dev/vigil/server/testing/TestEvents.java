package dev.vigil.server.testing;

import dev.vigil.engine.event.Event;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Instant;
import java.util.Map;

/** Builds {@link IngestedEvent}s for tests (the one place that knows how an ingested event carries its fields). */
public final class TestEvents {
    private TestEvents() {}

    public static IngestedEvent ingested(String source, String application, Map<String, Object> fields) {
        return new IngestedEvent(source, application, Instant.now(), String.valueOf(fields), Event.of(fields));
    }
}
