package dev.vigil.server.incidents;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A structured root-cause analysis. Complete when it has a summary, at least one cause, at least one corrective action
 * (each with an owner and a due date) and the lessons learned; {@link RcaService#complete} checks that. A waiver (with
 * its reason) replaces it where the organisation decides an RCA is not worth doing.
 *
 * @param causes root causes, each with a category ({@code people}, {@code process}, {@code technology},
 *     {@code third-party}, {@code external})
 */
public record Rca(
        java.util.UUID incidentId,
        String summary,
        List<Cause> causes,
        List<String> contributingFactors,
        List<CorrectiveAction> correctiveActions,
        String lessonsLearned,
        Instant completedAt,
        String completedBy,
        String waivedReason,
        String waivedBy,
        Instant waivedAt,
        Instant updatedAt,
        String updatedBy) {

    public record Cause(String category, String description) {}

    /** @param status {@code open} or {@code done} */
    public record CorrectiveAction(String action, String owner, LocalDate due, String status) {}

    public boolean completed() {
        return completedAt != null;
    }

    public boolean waived() {
        return waivedAt != null;
    }
}
