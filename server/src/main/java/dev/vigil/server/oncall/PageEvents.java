package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Application events of paging (published in the transaction that makes the change; Modulith keeps them). */
public final class PageEvents {
    private PageEvents() {}

    public record PageTriggered(UUID pageId, String subjectType, String subjectId, Severity severity, Instant at) {}

    /** A notify step ran: {@code recipients} are the people notified. */
    public record PageEscalated(
            UUID pageId,
            String subjectType,
            String subjectId,
            int round,
            int step,
            List<UUID> recipients,
            Instant at) {}

    public record PageAcknowledged(UUID pageId, String subjectType, String subjectId, String by, Instant at) {}

    public record PageUnacknowledged(UUID pageId, String subjectType, String subjectId, String by, Instant at) {}

    public record PageResolved(UUID pageId, String subjectType, String subjectId, String by, Instant at) {}

    /** Every step and repeat ran without an acknowledgement; the fallback was told. */
    public record PageExhausted(UUID pageId, String subjectType, String subjectId, Instant at) {}
}
