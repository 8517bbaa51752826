package dev.vigil.server.assessment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A self-assessment of SAMM Incident Management as of {@code asOf}. Stream scores are the sum of the stream's three
 * answer values (0..3); the practice score is their mean (SAMM toolbox scoring).
 *
 * @param id null for a live computation; set for a stored snapshot
 */
public record Assessment(
        UUID id,
        Instant asOf,
        String createdBy,
        List<QuestionResult> questions,
        double streamA,
        double streamB,
        double score) {

    public QuestionResult question(String id) {
        return questions.stream()
                .filter(q -> q.id().equalsIgnoreCase(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no question " + id));
    }
}
