package dev.vigil.server.oncall;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.DayOfWeek;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One step of an escalation policy.
 *
 * <ul>
 *   <li>{@code notify}: notify {@code targets} (users, the on-call person of schedules, teams) — {@code all} of
 *       them, or one in {@code round_robin} order per run — then wait {@code timeoutMinutes} (default: the policy's
 *       acknowledgement timeout) for an acknowledgement before the next step.
 *   <li>{@code wait}: wait {@code minutes}.
 *   <li>{@code webhook}: send the page to the shared channel {@code channelId} (a webhook, Slack, Teams, ...) and go
 *       on at once.
 * </ul>
 *
 * {@code when} makes the step conditional; a step whose condition does not hold is skipped.
 */
public record EscalationStep(
        Type type,
        List<Target> targets,
        Mode mode,
        Integer timeoutMinutes,
        Integer minutes,
        UUID channelId,
        Boolean important,
        Condition when) {

    public EscalationStep {
        targets = targets == null ? List.of() : List.copyOf(targets);
        mode = mode == null ? Mode.ALL : mode;
    }

    public enum Type {
        NOTIFY,
        WAIT,
        WEBHOOK;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Type parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown step type '" + s + "' (expected notify, wait or webhook)");
            }
        }
    }

    public enum Mode {
        ALL,
        ROUND_ROBIN;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown mode '" + s + "' (expected all or round_robin)");
            }
        }
    }

    /** A user, the on-call person of a schedule, or a team's members. */
    public record Target(TargetType type, UUID id) {
        public Target {
            if (type == null || id == null) {
                throw new IllegalArgumentException("a target needs a type (user, schedule, team) and an id");
            }
        }
    }

    public enum TargetType {
        USER,
        SCHEDULE,
        TEAM;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static TargetType parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown target type '" + s + "' (expected user, schedule or team)");
            }
        }
    }

    /**
     * When a step applies (all given parts must hold).
     *
     * @param businessHours {@code inside} or {@code outside} the policy team's business hours, or null for any time
     * @param weekdays days (in the team's time zone) the step applies on, or empty for every day
     * @param severities severities the step applies to, or empty for all
     */
    public record Condition(String businessHours, List<DayOfWeek> weekdays, List<Severity> severities) {
        public Condition {
            if (businessHours != null
                    && !businessHours.equals("inside")
                    && !businessHours.equals("outside")
                    && !businessHours.equals("any")) {
                throw new IllegalArgumentException("when.businessHours must be inside, outside or any");
            }
            weekdays = weekdays == null ? List.of() : List.copyOf(weekdays);
            severities = severities == null ? List.of() : List.copyOf(severities);
        }
    }
}
