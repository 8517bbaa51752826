package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/** A link between two incidents: {@code related}, {@code merged} (the other was merged into this) or {@code split}. */
public record IncidentLink(UUID incidentId, UUID linkedId, String kind, Instant createdAt, String createdBy) {}
