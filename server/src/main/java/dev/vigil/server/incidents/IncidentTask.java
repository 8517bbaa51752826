package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * A response task, from a playbook or added by hand. Open mandatory tasks block closing the incident.
 *
 * @param status {@code open}, {@code done} or {@code skipped} (skipping needs a note and is not allowed for mandatory
 *     tasks)
 */
public record IncidentTask(
        UUID id,
        UUID incidentId,
        int position,
        String title,
        String instructions,
        String ownerRole,
        String assignee,
        boolean mandatory,
        Instant dueAt,
        String status,
        String playbook,
        Integer playbookVersion,
        String note,
        Instant completedAt,
        String completedBy,
        Instant createdAt) {

    public boolean open() {
        return status.equals("open");
    }
}
