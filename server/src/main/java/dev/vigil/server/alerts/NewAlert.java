package dev.vigil.server.alerts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An alert to raise: what matched, where it came from, and the evidence.
 *
 * @param ruleId the rule's stable reference (Sigma id)
 * @param ruleTitle the rule's title
 * @param level the rule's level
 * @param tags the rule's tags ({@code attack.t1110}, ...)
 * @param source the log source the event came in through
 * @param application the owning application of that source, or null
 * @param eventTime the event's own timestamp, or null when it has none
 * @param receivedAt when Vigil received the event
 * @param entities who and what the alert is about ({@code user}, {@code host}, {@code src_ip}, ...)
 * @param matchedFields the event fields that made the rule match, with their values
 * @param eventJson the normalised event as a JSON object
 * @param raw the original log line or record, or null
 * @param correlation for correlation rules: the group key and contributing rules as JSON, else null
 * @param eventId the stored event (event store id) the alert was raised on, or null (correlations, unstored events);
 *     an alert of the same rule on the same stored event is raised once, even when a crash replays the event
 * @param id the alert's id when the caller fixes it in advance, else null (a new id is drawn when it is stored): an
 *     alert whose id is already stored is skipped, so a caller that retries an alert it may have stored before (a
 *     correlation firing kept on disk across a crash) stores it once
 */
public record NewAlert(
        String ruleId,
        String ruleTitle,
        AlertLevel level,
        List<String> tags,
        String source,
        String application,
        Instant eventTime,
        Instant receivedAt,
        Map<String, String> entities,
        Map<String, String> matchedFields,
        String eventJson,
        String raw,
        String correlation,
        Long eventId,
        java.util.UUID id) {

    /** An alert whose id is drawn when it is stored. */
    public NewAlert(
            String ruleId,
            String ruleTitle,
            AlertLevel level,
            List<String> tags,
            String source,
            String application,
            Instant eventTime,
            Instant receivedAt,
            Map<String, String> entities,
            Map<String, String> matchedFields,
            String eventJson,
            String raw,
            String correlation,
            Long eventId) {
        this(
                ruleId,
                ruleTitle,
                level,
                tags,
                source,
                application,
                eventTime,
                receivedAt,
                entities,
                matchedFields,
                eventJson,
                raw,
                correlation,
                eventId,
                null);
    }

    /** An alert not tied to a stored event. */
    public NewAlert(
            String ruleId,
            String ruleTitle,
            AlertLevel level,
            List<String> tags,
            String source,
            String application,
            Instant eventTime,
            Instant receivedAt,
            Map<String, String> entities,
            Map<String, String> matchedFields,
            String eventJson,
            String raw,
            String correlation) {
        this(
                ruleId,
                ruleTitle,
                level,
                tags,
                source,
                application,
                eventTime,
                receivedAt,
                entities,
                matchedFields,
                eventJson,
                raw,
                correlation,
                null,
                null);
    }

    /** This alert with its id fixed in advance ({@link #id()}). */
    public NewAlert withId(java.util.UUID id) {
        return new NewAlert(
                ruleId,
                ruleTitle,
                level,
                tags,
                source,
                application,
                eventTime,
                receivedAt,
                entities,
                matchedFields,
                eventJson,
                raw,
                correlation,
                eventId,
                id);
    }

    public NewAlert {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        ruleTitle = ruleTitle == null ? ruleId : ruleTitle;
        tags = tags == null ? List.of() : List.copyOf(tags);
        entities = entities == null ? Map.of() : Map.copyOf(entities);
        matchedFields = matchedFields == null ? Map.of() : Map.copyOf(matchedFields);
        eventJson = eventJson == null ? "{}" : eventJson;
        eventId = eventId == null || eventId <= 0 ? null : eventId;
    }
}
