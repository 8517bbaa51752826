package dev.vigil.server.governance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Replay exercises (issue 10): replays the bundled demo attack or a stored range of events through the real intake
 * path (parsing, detection, alerting, triage into incidents), tagged as the exercise so production figures leave them
 * out, then compares the detections obtained with those expected and records findings. One replay at a time per
 * exercise, in the background, cancellable; every start, cancellation and result is audited.
 */
public interface ExerciseReplays {

    /**
     * What to replay.
     *
     * @param kind {@code demo} (the bundled demo attack) or {@code stored} (events from the event store)
     * @param from for {@code stored}: start of the event-time range (inclusive)
     * @param to for {@code stored}: end of the event-time range (exclusive)
     * @param source for {@code stored}: only events of this log source, or null
     * @param query for {@code stored}: a Lucene query over the events (docs/events.md), or null
     * @param expected replaces the exercise's expected detections when not null (rule ids, ATT&amp;CK technique ids)
     * @param pageOnCall replaces the exercise's "page the on-call team" option when not null
     */
    record ReplayRequest(
            String kind,
            Instant from,
            Instant to,
            String source,
            String query,
            List<String> expected,
            Boolean pageOnCall) {}

    /**
     * The exercise's expectations.
     *
     * @param expected rule ids and/or ATT&amp;CK technique ids ({@code T1110}, {@code T1059.001}) the replay should
     *     detect
     * @param pageOnCall whether incidents the replay opens page the on-call team (marked [EXERCISE]); default off
     * @param owner who follows up findings (default: the exercised process's owner)
     */
    record Expectations(List<String> expected, boolean pageOnCall, String owner) {}

    /** A rule the replay fired: its alerts and ATT&amp;CK techniques. */
    record Obtained(String ruleId, String title, long alerts, List<String> techniques) {}

    /**
     * One row of the comparison.
     *
     * @param detection the expected rule id or technique, or for {@code unexpected} the rule id
     * @param status {@code detected}, {@code missed} or {@code unexpected}
     * @param rules the rules that fired for it
     */
    record Comparison(String detection, String status, List<String> rules) {}

    /**
     * One replay run.
     *
     * @param status {@code running} (sending), {@code settling} (all sent and evaluated; waiting for correlations to
     *     close their windows), {@code completed}, {@code cancelled} or {@code failed}
     * @param eventsEvaluated replayed events detection has finished
     * @param shiftSeconds how far the original event times were moved (to end at the start of the replay)
     */
    record Replay(
            UUID id,
            UUID exerciseId,
            String kind,
            Instant from,
            Instant to,
            String source,
            String query,
            String status,
            long eventsTotal,
            long eventsSent,
            long eventsRejected,
            long eventsEvaluated,
            Long shiftSeconds,
            List<Obtained> obtained,
            List<Comparison> comparison,
            String error,
            String startedBy,
            Instant startedAt,
            Instant finishedAt,
            String cancelledBy) {
        public boolean active() {
            return status.equals("running") || status.equals("settling");
        }
    }

    Expectations expectations(UUID exercise);

    /** Sets what the exercise expects (audited). @throws java.util.NoSuchElementException unknown exercise */
    Expectations setExpectations(UUID exercise, List<String> expected, boolean pageOnCall, String owner);

    /**
     * Starts a replay in the background.
     *
     * @throws IllegalArgumentException invalid input (nothing is started): not a replay exercise, unknown source,
     *     empty or too large a range, invalid query
     * @throws IllegalStateException a replay of this exercise is already running
     * @throws java.util.NoSuchElementException unknown exercise
     */
    Replay start(UUID exercise, ReplayRequest request);

    /** Cancels the running replay of the exercise. @throws IllegalStateException when none is running */
    Replay cancel(UUID exercise);

    Optional<Replay> replay(UUID replay);

    /** The exercise's replays, newest first. Unbounded: lists shown to people use the paged variant. */
    List<Replay> replays(UUID exercise);

    /**
     * One page of the exercise's replays by start time ({@code startedAt,desc}, newest first, or {@code startedAt,asc}),
     * the id breaking ties; by offset or keyset cursor ({@link dev.vigil.server.platform.api.Page#nextCursor()}).
     */
    dev.vigil.server.platform.api.Page<Replay> replays(UUID exercise, dev.vigil.server.platform.api.PageQuery page);

    /** The exercise's running (or settling) replay, if any (at most one runs at a time). */
    Optional<Replay> active(UUID exercise);
}
