package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;

/**
 * The change history of a process, newest first: documentation versions, reviews and changes of its attributes
 * (owner, cadence, ...), merged from the process's own records and the audit log.
 */
public record ProcessHistory(String processKey, List<Change> changes) {
    /**
     * @param type {@code document}, {@code review} or the audit action ({@code created}, {@code updated}, ...)
     * @param version the documentation version for {@code document}, else null
     */
    public record Change(Instant at, String type, String actor, String summary, Integer version) {}
}
