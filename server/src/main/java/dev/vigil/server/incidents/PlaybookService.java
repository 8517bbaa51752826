package dev.vigil.server.incidents;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Playbooks: the starter set written for Vigil and the organisation's own, versioned; applying them to incidents. */
public interface PlaybookService {

    /** The newest version of every playbook (retired ones too when {@code includeRetired}). */
    List<Playbook> list(boolean includeRetired);

    /** The newest version. */
    Optional<Playbook> get(String key);

    Optional<Playbook> get(String key, int version);

    List<Playbook> versions(String key);

    /**
     * Saves a playbook from YAML: a new version when its content differs from the newest one (else the newest is
     * returned unchanged). Validated completely (tasks, offsets, fields, stakeholder groups, obligations).
     */
    Playbook save(String yaml);

    /** Retires (or reactivates) a playbook: retired playbooks are not applied by triage. */
    Playbook setActive(String key, boolean active);

    /**
     * Applies the newest version to an incident: creates its tasks with due dates from now, attaches its stakeholder
     * obligations, records it on the incident and the timeline. Applying the same playbook twice is refused.
     */
    List<IncidentTask> apply(UUID incidentId, String key);

    /** The playbooks applied to an incident, with their versions. */
    List<AppliedPlaybook> applied(UUID incidentId);

    record AppliedPlaybook(String key, int version, String name, java.time.Instant appliedAt, String appliedBy) {}
}
