package dev.vigil.server.governance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * One attack vector of the detection checklist (SAMM IM2-A "a checklist of potential attacks", IM3-A "update the
 * checklist with external and internal data"): an ATT&amp;CK technique (or a whole tactic) with the active rules and
 * correlations that detect it. Entries come from two places: <em>managed</em> entries kept in Vigil (with source,
 * owner, review date and the log sources they need; possibly without any rule yet) and <em>rule-derived</em> entries
 * for techniques that enabled rules cover but no managed entry names ({@code id} null, no owner).
 *
 * @param technique ATT&amp;CK technique id ({@code T1110}, {@code T1110.001}) or null for a tactic-level entry
 * @param tactic ATT&amp;CK tactic short name ({@code credential-access}); {@code unmapped} for rules without one
 * @param source {@code external-advisory}, {@code past-incident}, {@code threat-model}, {@code rule-set},
 *     {@code exercise} or {@code other}
 * @param rules the active rules and correlations whose ATT&amp;CK tags name the technique (or the tactic)
 * @param missingSources required log sources that are not configured or silent
 */
public record ChecklistEntry(
        UUID id,
        String technique,
        String tactic,
        String title,
        String description,
        String source,
        String sourceRef,
        String owner,
        LocalDate reviewDue,
        Instant lastReviewedAt,
        List<String> requiredSources,
        List<RuleRef> rules,
        List<String> missingSources) {

    public record RuleRef(String ref, String title, String kind, String level) {}

    /** Kept in Vigil (has an owner and a review date), as opposed to derived from rule tags only. */
    public boolean managed() {
        return id != null;
    }

    /** At least one active rule detects it. */
    public boolean covered() {
        return !rules.isEmpty();
    }

    public boolean reviewOverdue(LocalDate today) {
        return reviewDue != null && reviewDue.isBefore(today);
    }
}
