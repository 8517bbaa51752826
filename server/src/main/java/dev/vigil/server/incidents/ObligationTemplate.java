package dev.vigil.server.incidents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A notification obligation: whom to notify ({@code stakeholder} group), under which regulation, in which stages and
 * by when, and when it applies to an incident.
 *
 * <p>Presets: GDPR Art. 33 and 34, NIS2 Art. 23, DORA (major ICT-related incidents), SEC Form 8-K Item 1.05, HIPAA
 * breach notification, and an internal "legal within 1 hour of a P1".
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObligationTemplate(
        String key,
        String name,
        String regulation,
        String stakeholder,
        String description,
        Applies appliesWhen,
        List<Stage> stages,
        boolean active,
        boolean builtin,
        Instant updatedAt) {

    /**
     * When the obligation attaches to an incident by itself: every given condition holds (lists: any value).
     *
     * @param classifications {@code class} or {@code class/type}
     * @param dataTypes e.g. {@code personal-data}, {@code health-data}, {@code card-data}, {@code financial}
     * @param jurisdictions e.g. {@code eu}, {@code us}, {@code de}
     * @param minSeverity at least this severity
     * @param maxPriority at most this priority number (1: P1 only)
     * @param milestones these milestones have been set (e.g. {@code major} for DORA, {@code materiality} for SEC)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Applies(
            List<String> classifications,
            List<String> dataTypes,
            List<String> jurisdictions,
            String minSeverity,
            Integer maxPriority,
            List<String> milestones) {}

    /**
     * One submission stage.
     *
     * @param anchor what the deadline counts from: an incident anchor ({@code awareness}, {@code detected},
     *     {@code major}, {@code materiality}, {@code p1}, ...), {@code previous} (the submission of the stage before)
     *     or {@code stage:<key>} (the submission of that stage)
     * @param after the time allowed after the anchor: {@code 72h}, {@code 30m}, {@code 60d} (calendar days),
     *     {@code 1mo} (calendar months), {@code 4bd} (business days), or ISO-8601 ({@code PT72H}, {@code P1M});
     *     null for a pure "as soon as possible" stage
     * @param notLaterThan further limits; the deadline is the earliest of all (DORA: 4 h after classification as
     *     major, but no later than 24 h after awareness)
     * @param asap "without undue delay": shown as ASAP; {@code target} is the internal target used as deadline when
     *     there is no {@code after}
     * @param calendar the business calendar for business days and for calendar days/months ({@code utc} when null)
     * @param warnBefore how long before the deadline it is "at risk" and escalated (default: a quarter of the time
     *     allowed, at most 24 h, at least 15 min)
     * @param content what the submission must contain
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Stage(
            String key,
            String name,
            String anchor,
            String after,
            List<Limit> notLaterThan,
            boolean asap,
            String target,
            String calendar,
            String warnBefore,
            String content) {}

    public record Limit(String anchor, String after) {}
}
