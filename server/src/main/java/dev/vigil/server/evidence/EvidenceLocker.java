package dev.vigil.server.evidence;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The evidence locker. Collecting, downloading and verifying write the chain of custody, the audit log and the
 * incident's timeline.
 */
public interface EvidenceLocker {

    /**
     * Streams an upload into the locker, hashing it on the way; refuses (and keeps nothing) when it exceeds
     * {@code vigil.incidents.evidence-max-size}.
     *
     * @throws EvidenceTooLargeException when the content is larger than the cap
     */
    EvidenceItem upload(UUID incidentId, String name, String contentType, String description, InputStream content);

    /** Attaches an alert's matched event (canonical JSON: sorted keys, UTF-8) as evidence. */
    EvidenceItem attachAlert(UUID incidentId, UUID alertId, String description);

    /** Every item of the incident, oldest first (unbounded: the report and the page; API clients page). */
    List<EvidenceItem> list(UUID incidentId);

    /**
     * One page of the incident's items by {@code createdAt} ({@code asc}, the default, or {@code desc}), the id
     * breaking ties; by offset or by keyset cursor.
     */
    dev.vigil.server.platform.api.Page<EvidenceItem> list(
            UUID incidentId, dev.vigil.server.platform.api.PageQuery page);

    Optional<EvidenceItem> get(UUID evidenceId);

    /**
     * Opens an item for download after re-checking its hash; records the access. A mismatch is recorded (custody
     * entry {@code integrity-failure}, item marked {@code mismatch}) and refused.
     *
     * @throws EvidenceIntegrityException when the stored bytes do not match the recorded hash
     */
    Download open(UUID evidenceId, String purpose);

    /** Re-checks the hash now and records the result. */
    EvidenceItem verify(UUID evidenceId);

    /** Adds a custody entry (transfer to a lab or law enforcement, sealing, analysis, a note). */
    CustodyEntry recordCustody(UUID evidenceId, String action, String location, String details);

    /** The whole chain of custody in order (it grows with every access: API clients page). */
    List<CustodyEntry> custody(UUID evidenceId);

    /** One page of the chain of custody in the order written ({@code seq}, asc or desc); by offset or cursor. */
    dev.vigil.server.platform.api.Page<CustodyEntry> custody(
            UUID evidenceId, dev.vigil.server.platform.api.PageQuery page);

    /** An open item: its metadata and a stream of the verified bytes (the caller closes it). */
    record Download(EvidenceItem item, InputStream content) {}
}
