package dev.vigil.server.incidents;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Root-cause analyses. Closing an incident needs a completed (or waived) RCA when its severity is in
 * {@code vigil.incidents.rca-required-for} (default {@code high, critical}; {@code all} for every incident).
 */
public interface RcaService {

    Optional<Rca> get(UUID incidentId);

    /** Saves the draft (the completion mark is kept only while the content stays complete). */
    Rca save(UUID incidentId, Draft draft);

    /** Marks it complete; refuses (listing what is missing) when it is not. */
    Rca complete(UUID incidentId);

    /** Waives the RCA for this incident; the reason is required and recorded. */
    Rca waive(UUID incidentId, String reason);

    /** Whether closing this incident requires an RCA. */
    boolean required(Incident incident);

    /** What a draft still lacks to be complete (empty: complete). */
    List<String> missing(Draft draft);

    record Draft(
            String summary,
            List<Rca.Cause> causes,
            List<String> contributingFactors,
            List<Rca.CorrectiveAction> correctiveActions,
            String lessonsLearned) {}
}
