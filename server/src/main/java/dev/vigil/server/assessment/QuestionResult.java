package dev.vigil.server.assessment;

import java.time.Instant;
import java.util.List;

/**
 * The answer to one SAMM question.
 *
 * @param covered how many of {@code total} units (applications, incidents, incident types, hours) qualify
 * @param coverageAnswer the answer index the coverage alone gives (0 No .. 3 most or all)
 * @param computedAnswer the coverage answer, capped at 1 ("for some") while a quality criterion is not met
 * @param override the assessor's answer, or null
 * @param answer the effective answer index (the override's when there is one)
 * @param value SAMM's weight of the effective answer (0, 0.25, 0.5, 1)
 */
public record QuestionResult(
        String id,
        int level,
        String stream,
        String question,
        long covered,
        long total,
        int coverageAnswer,
        int computedAnswer,
        String answerText,
        int answer,
        double value,
        String explanation,
        List<Evidence> evidence,
        List<Criterion> criteria,
        Override override) {

    /** A quality criterion: met or not, why, and the records that show it. */
    public record Criterion(String text, boolean met, String explanation, List<Evidence> evidence) {}

    /** An assessor's answer with the justification. */
    public record Override(int answer, String justification, String assessor, Instant at) {}

    public boolean allCriteriaMet() {
        return criteria.stream().allMatch(Criterion::met);
    }
}
