package dev.vigil.server.events.internal;

import dev.vigil.server.events.EventEvidence;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.evidence.EvidenceLocker;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@link EventEvidence} through the evidence locker's upload (content type {@code application/json}). */
@Component
class LockerEventEvidence implements EventEvidence {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventStore store;
    private final IncidentService incidents;
    private final EvidenceLocker locker;

    LockerEventEvidence(EventStore store, IncidentService incidents, EvidenceLocker locker) {
        this.store = store;
        this.incidents = incidents;
        this.locker = locker;
    }

    @Override
    public EvidenceItem attach(long eventId, String incident, String description) {
        if (incident == null || incident.isBlank()) {
            throw new IllegalArgumentException("incident is required (its reference, e.g. INC-2025-0001, or id)");
        }
        Incident i = incidents
                .find(incident.strip())
                .orElseThrow(() -> new NoSuchElementException("no incident " + incident.strip()));
        StoredEvent e = store.get(eventId)
                .orElseThrow(() -> new NoSuchElementException(
                        "no stored event " + eventId + " (never stored, or removed by retention)"));
        byte[] bytes = canonical(e);
        String what = description != null && !description.isBlank()
                ? description.strip()
                : "Stored event " + e.id() + " (source " + e.source() + ", received " + e.receivedAt() + ")";
        return locker.upload(
                i.id(), "event-" + e.id() + ".json", "application/json", what, new ByteArrayInputStream(bytes));
    }

    /** The event as the store keeps it, keys sorted at every level, no insignificant whitespace, UTF-8. */
    static byte[] canonical(StoredEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", e.time() == null ? null : e.time().toString());
        m.put("receivedAt", e.receivedAt().toString());
        m.put("source", e.source());
        m.put("application", e.application());
        m.put("logsource", e.logsource() == null ? null : JSON.convertValue(e.logsource(), Object.class));
        m.put("raw", e.raw());
        m.put("event", JSON.readValue(e.event(), new TypeReference<Map<String, Object>>() {}));
        return JSON.writeValueAsString(sorted(m)).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object o) {
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> t = new TreeMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> t.put(k, sorted(v)));
            return t;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(LockerEventEvidence::sorted).toList();
        }
        return o;
    }
}
