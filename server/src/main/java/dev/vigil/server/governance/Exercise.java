package dev.vigil.server.governance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * An incident exercise: a tabletop, a simulated incident, or a replay of a stored attack through intake.
 *
 * @param kind {@code tabletop}, {@code simulation} or {@code replay}
 * @param processKey the process exercised, or null
 */
public record Exercise(
        UUID id,
        String title,
        String kind,
        String processKey,
        String scenario,
        Instant heldAt,
        List<String> participants,
        String summary,
        List<Finding> findings,
        Instant createdAt) {

    /** A finding with its follow-up action. */
    public record Finding(
            UUID id,
            String finding,
            String action,
            String owner,
            LocalDate dueDate,
            String status,
            Instant closedAt,
            String resolution,
            Instant createdAt) {
        public boolean open() {
            return "open".equals(status);
        }
    }
}
