package dev.vigil.server.assessment;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SAMM Incident Management self-assessment. {@link #compute} answers every question from current data (with the
 * assessor's overrides applied); {@link #snapshot} stores that result as history. Overrides and snapshots are
 * audited (object type {@code assessment}).
 */
public interface AssessmentService {

    Assessment compute(Instant asOf);

    /** Computes and stores the assessment as of now. */
    Assessment snapshot();

    /** Stored snapshots, newest first (questions included). */
    List<Assessment> history();

    Optional<Assessment> get(UUID id);

    /** Sets the assessor's answer (0..3) for a question; the justification is required. */
    QuestionResult.Override override(String questionId, int answer, String justification);

    /** Removes the override of a question; false when it had none. */
    boolean clearOverride(String questionId);

    String markdown(Assessment assessment);

    byte[] pdf(Assessment assessment);
}
