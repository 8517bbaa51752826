package dev.vigil.server.oncall;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One rotation of a schedule. Participants take shifts in order, starting with the first at {@code start} (local
 * time of the schedule; its time of day is the handoff time). Where layers overlap the one with the higher
 * {@code priority} decides; a layer with {@code restrictions} only covers those weekly windows (e.g. a business-hours
 * layer over a 24/7 layer), and a layer with {@code skipHolidays} does not cover the days of the schedule's holiday
 * calendar.
 *
 * @param name shown in the calendar
 * @param priority higher wins
 * @param rotation shift length
 * @param start local date-time of the first shift (and so the handoff time)
 * @param end local date-time after which the layer covers nothing, or null
 * @param participants user ids in rotation order (a user may appear more than once)
 * @param restrictions weekly windows the layer covers; empty for all the time
 * @param skipHolidays whether the layer is off on the schedule's holidays
 */
public record Layer(
        String name,
        int priority,
        Rotation rotation,
        LocalDateTime start,
        LocalDateTime end,
        List<UUID> participants,
        List<TimeWindow> restrictions,
        boolean skipHolidays) {

    public Layer {
        if (rotation == null) {
            throw new IllegalArgumentException("layer.rotation is required");
        }
        if (start == null) {
            throw new IllegalArgumentException("layer.start is required (local date-time of the first handoff)");
        }
        if (participants == null || participants.isEmpty()) {
            throw new IllegalArgumentException("a layer needs at least one participant");
        }
        if (participants.size() > 500) {
            throw new IllegalArgumentException("a layer has at most 500 participants");
        }
        if (end != null && !end.isAfter(start)) {
            throw new IllegalArgumentException("layer.end must be after layer.start");
        }
        name = name == null || name.isBlank() ? "layer" : name.strip();
        participants = List.copyOf(participants);
        restrictions = restrictions == null ? List.of() : List.copyOf(restrictions);
    }
}
