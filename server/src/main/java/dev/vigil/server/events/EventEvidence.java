package dev.vigil.server.events;

import dev.vigil.server.evidence.EvidenceItem;

/** Keeps stored events as incident evidence (search results attached to an incident). */
public interface EventEvidence {

    /**
     * Stores the event's canonical JSON (keys sorted at every level, UTF-8: the same event always gives the same bytes
     * and SHA-256) in the incident's evidence locker, with the chain of custody, audit entry and timeline entry the
     * locker writes.
     *
     * @param incident the incident's id or reference (INC-...)
     * @throws java.util.NoSuchElementException when there is no such event (retention may have removed it) or incident
     */
    EvidenceItem attach(long eventId, String incident, String description);
}
