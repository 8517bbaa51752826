package dev.vigil.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Response tasks of incidents (from playbooks or by hand). */
public interface TaskService {

    List<IncidentTask> list(UUID incidentId);

    IncidentTask add(
            UUID incidentId,
            String title,
            String instructions,
            String ownerRole,
            String assignee,
            boolean mandatory,
            Instant dueAt);

    /** Marks done; {@code note} optional. */
    IncidentTask complete(UUID incidentId, UUID taskId, String note);

    /** Skips an optional task; a note saying why is required. Mandatory tasks cannot be skipped. */
    IncidentTask skip(UUID incidentId, UUID taskId, String note);

    IncidentTask reopen(UUID incidentId, UUID taskId);

    IncidentTask assign(UUID incidentId, UUID taskId, String assignee);
}
