package dev.vigil.server.oncall;

import dev.vigil.server.platform.api.PageQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * On-call configuration for the UI and other modules: people, teams, schedules with overrides and leave, escalation
 * policies (validated), notification rules, and a page search. Every change is audited (actor: the caller).
 */
public interface OnCallAdmin {

    List<Person> people();

    Optional<Person> person(UUID userId);

    List<OnCallTeam> teams();

    Optional<OnCallTeam> team(UUID id);

    List<Schedule> schedules();

    Optional<Schedule> schedule(UUID id);

    /** Creates ({@code id} null) or replaces a schedule; invalid input throws {@link IllegalArgumentException}. */
    Schedule saveSchedule(UUID id, Schedule schedule);

    /** Overrides and swaps of a schedule overlapping [from, to) (null: unbounded). */
    List<ScheduleOverride> overrides(UUID scheduleId, Instant from, Instant to);

    /**
     * One page of a schedule's overrides and swaps overlapping [from, to) (null: unbounded), by start ({@code start},
     * ascending unless {@code start,desc}); pages by offset or by keyset cursor.
     *
     * @throws IllegalArgumentException for an empty or inverted range, another sort or an invalid cursor
     */
    dev.vigil.server.platform.api.Page<ScheduleOverride> overrides(
            UUID scheduleId, Instant from, Instant to, PageQuery page);

    ScheduleOverride addOverride(ScheduleOverride override);

    boolean deleteOverride(UUID scheduleId, UUID overrideId);

    /** Leave of a person overlapping [from, to) (null: unbounded). */
    List<Leave> leave(UUID userId, Instant from, Instant to);

    /** One page of a person's leave overlapping [from, to) (null: unbounded), by start; as {@link #overrides}. */
    dev.vigil.server.platform.api.Page<Leave> leave(UUID userId, Instant from, Instant to, PageQuery page);

    /**
     * Whether the caller may add or remove {@code userId}'s leave: leave takes a person out of their rotations, so
     * only that person (their user: a session or a personal token) or a caller with {@code users_write} may; another
     * responder may not. Anyone else, including callers without a user, is refused.
     */
    boolean mayManageLeave(UUID userId);

    /**
     * Adds leave: the person's layer shifts in [start, end) fall through to lower layers (or a gap). Audited.
     *
     * @throws org.springframework.security.access.AccessDeniedException unless {@link #mayManageLeave}
     */
    Leave addLeave(UUID userId, Instant start, Instant end, String reason);

    /**
     * Removes one leave of a person; false when there was none. Audited.
     *
     * @throws org.springframework.security.access.AccessDeniedException unless {@link #mayManageLeave}
     */
    boolean deleteLeave(UUID userId, UUID leaveId);

    List<EscalationPolicy> policies();

    Optional<EscalationPolicy> policy(UUID id);

    /**
     * Creates ({@code id} null) or replaces an escalation policy after validation (unknown targets, steps without
     * targets, out-of-range numbers throw {@link IllegalArgumentException}). Pages in flight keep their snapshot.
     */
    EscalationPolicy savePolicy(UUID id, EscalationPolicy policy);

    /** A person's notification rules: the {@code important} set (critical pages) or the default one. */
    List<NotificationRule> rules(UUID userId, boolean important);

    void saveRules(UUID userId, boolean important, List<NotificationRule> rules);

    /** Pages matching a filter, newest first. */
    List<Page> searchPages(PageFilter filter);

    /**
     * A page search; null parts match everything.
     *
     * @param subjectType with {@code subjectId}: the pages about one subject (e.g. {@code incident})
     * @param teamId pages whose (snapshotted) policy belongs to the team
     * @param userId pages that notified the person or that they acknowledged
     * @param from pages created at or after
     * @param to pages created before
     */
    record PageFilter(
            String subjectType,
            String subjectId,
            UUID teamId,
            UUID userId,
            Instant from,
            Instant to,
            PageStatus status,
            int limit) {
        public PageFilter {
            limit = limit <= 0 ? 100 : Math.min(limit, 1000);
        }
    }
}
