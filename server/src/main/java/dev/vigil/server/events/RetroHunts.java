package dev.vigil.server.events;

import dev.vigil.server.detection.RuleSelection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Retro-hunts: one rule, an uploaded rule or the active rule set run over stored events, exactly as live detection
 * runs them (same engine, pipelines and filters), as background jobs that report progress and can be cancelled.
 * Matches are counted per rule and kept (the first {@code vigil.events.hunt.max-kept-matches} of a job) for review.
 * Used to test a rule against history before enabling it; hunts raise no alerts.
 */
public interface RetroHunts {

    /**
     * @param rules what to run
     * @param query narrows the events (Lucene syntax, as in search), or null for all
     * @param from, to the range (null: unbounded) on {@code timeField}
     */
    record Request(RuleSelection rules, String query, Instant from, Instant to, EventQuery.TimeField timeField) {}

    /** Matches per rule. */
    record RuleCount(String ref, String title, String level, long matches, long failures) {}

    /**
     * A hunt and how far it got.
     *
     * @param status {@code queued}, {@code running}, {@code done}, {@code cancelled} or {@code failed}
     * @param rules what was run ({@code {"active":true}}, {@code {"refs":[...]}} or {@code {"uploaded":"..."}})
     * @param eventsTotal events in range when the hunt started; {@code eventsScanned} so far
     * @param matchesKept matches stored for review (all of them up to the limit)
     */
    record Job(
            UUID id,
            String status,
            Map<String, Object> rules,
            String query,
            String timeField,
            Instant from,
            Instant to,
            String requestedBy,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt,
            long eventsTotal,
            long eventsScanned,
            double progress,
            long matches,
            long matchesKept,
            List<RuleCount> perRule,
            List<Map<String, String>> refused,
            String error) {

        public boolean finished() {
            return status.equals("done") || status.equals("cancelled") || status.equals("failed");
        }
    }

    /** One kept match. */
    record Match(
            long seq,
            String ruleRef,
            String ruleTitle,
            String level,
            long eventId,
            Instant eventTime,
            Instant receivedAt,
            String source,
            Map<String, String> matchedFields) {}

    /**
     * Queues a hunt, owned by the current caller (audited).
     *
     * @throws IllegalArgumentException when the rules do not compile or the query is invalid (nothing is queued)
     */
    Job start(Request request, String requestedBy);

    Optional<Job> get(UUID id);

    List<Job> recent(int limit);

    /**
     * Asks a queued or running hunt to stop (audited); false when it has finished or was already asked.
     *
     * @throws java.util.NoSuchElementException when there is no such hunt
     * @throws org.springframework.security.access.AccessDeniedException unless {@link #mayCancel} allows the caller
     */
    boolean cancel(UUID id);

    /**
     * Whether the current caller may cancel the hunt: its owner (the user who started it, from any of their sessions
     * or personal tokens; or the integration token that started it), or an administrator ({@code system_write}).
     */
    boolean mayCancel(UUID id);

    /** Kept matches of a hunt after {@code afterSeq}, optionally of one rule, in the order they were found. */
    List<Match> matches(UUID id, String ruleRef, long afterSeq, int limit);
}
