package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Schedules and who is on call. */
public interface ScheduleService {

    /** Who is on call in the schedule at {@code at} (user null: nobody, a gap). */
    Shift onCall(UUID scheduleId, Instant at);

    /** The final timeline of a schedule over [from, to) (at most 400 days). */
    List<Shift> timeline(UUID scheduleId, Instant from, Instant to);

    /** Who is on call now in every schedule. */
    List<OnCallNow> onCallNow();

    Optional<Schedule> get(UUID id);

    List<Schedule> list();

    /** One schedule's current on-call person, for the dashboard. */
    record OnCallNow(
            UUID scheduleId,
            String scheduleName,
            UUID userId,
            String userName,
            String source,
            Instant until,
            UUID fallbackUserId) {}
}
