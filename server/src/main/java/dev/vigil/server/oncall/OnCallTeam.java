package dev.vigil.server.oncall;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * A team's on-call settings: members, business hours (weekly windows in the team's zone, minus its holidays) and
 * the fallback contact told about gaps, exhausted escalations and failed out-of-band checks.
 */
public record OnCallTeam(
        UUID id,
        String name,
        List<UUID> members,
        ZoneId timeZone,
        List<TimeWindow> businessHours,
        UUID holidayCalendarId,
        UUID fallbackUserId,
        UUID fallbackChannelId,
        Instant createdAt,
        Instant updatedAt) {
    public OnCallTeam {
        members = members == null ? List.of() : List.copyOf(members);
        businessHours = businessHours == null ? List.of() : List.copyOf(businessHours);
        timeZone = timeZone == null ? ZoneId.of("UTC") : timeZone;
    }
}
