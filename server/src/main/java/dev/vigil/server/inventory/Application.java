package dev.vigil.server.inventory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An application in the inventory.
 *
 * @param name unique, lower-case name (the {@code application} that log sources and alerts refer to)
 * @param owner the accountable person or team (e-mail or handle)
 * @param expectedSources names of the log sources that must deliver its logs
 */
public record Application(
        UUID id,
        String name,
        String description,
        String owner,
        Criticality criticality,
        List<String> expectedSources,
        Instant createdAt,
        Instant updatedAt) {}
