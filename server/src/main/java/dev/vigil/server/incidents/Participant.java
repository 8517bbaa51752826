package dev.vigil.server.incidents;

import java.time.Instant;

/** Someone in the war room: name, role (incident commander, scribe, legal, ...), how to reach them. */
public record Participant(String name, String role, String contact, Instant joinedAt) {}
