package dev.vigil.server.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A team: a named group of users (on-call schedules and escalation policies name teams). */
public record Team(UUID id, String name, String description, List<Member> members, Instant createdAt) {
    public record Member(UUID userId, String username, String displayName) {}
}
