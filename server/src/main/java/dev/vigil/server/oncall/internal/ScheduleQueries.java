package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.HolidayCalendar;
import dev.vigil.server.oncall.Layer;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.ScheduleService;
import dev.vigil.server.oncall.Shift;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Builds {@link ScheduleResolver}s from stored schedules with their overrides, leave and holidays. */
@Service
class ScheduleQueries implements ScheduleService {
    private final OnCallStore store;
    private final Clock clock;

    ScheduleQueries(OnCallStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    ScheduleResolver resolver(Schedule s, Instant from, Instant to) {
        Set<LocalDate> holidays = store.team(s.teamId())
                .map(OnCallTeam::holidayCalendarId)
                .flatMap(store::calendar)
                .map(HolidayCalendar::dates)
                .orElse(Set.of());
        Set<UUID> participants = new HashSet<>();
        for (Layer l : s.layers()) {
            participants.addAll(l.participants());
        }
        var overrides = store.overrides(s.id(), from, to);
        overrides.forEach(o -> participants.add(o.userId()));
        var leave = store.leave(null, from, to).stream()
                .filter(l -> participants.contains(l.userId()))
                .toList();
        return new ScheduleResolver(s, holidays, overrides, leave);
    }

    private Schedule require(UUID id) {
        return store.schedule(id).orElseThrow(() -> new NoSuchElementException("no schedule " + id));
    }

    @Override
    public Shift onCall(UUID scheduleId, Instant at) {
        Schedule s = require(scheduleId);
        return resolver(s, at, at.plusSeconds(1)).at(at);
    }

    @Override
    public List<Shift> timeline(UUID scheduleId, Instant from, Instant to) {
        Schedule s = require(scheduleId);
        return resolver(s, from, to).timeline(from, to);
    }

    /** The shifts of one person across all schedules in [from, to). */
    List<UserShift> userTimeline(UUID userId, Instant from, Instant to) {
        List<UserShift> out = new ArrayList<>();
        for (Schedule s : store.schedules()) {
            for (Shift sh : resolver(s, from, to).timeline(from, to)) {
                if (userId.equals(sh.userId())) {
                    out.add(new UserShift(s, sh));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(u -> u.shift().start()));
        return out;
    }

    record UserShift(Schedule schedule, Shift shift) {}

    @Override
    public List<OnCallNow> onCallNow() {
        Instant now = clock.instant();
        List<OnCallNow> out = new ArrayList<>();
        for (Schedule s : store.schedules()) {
            List<Shift> t =
                    resolver(s, now, now.plus(Duration.ofDays(14))).timeline(now, now.plus(Duration.ofDays(14)));
            Shift current = t.getFirst();
            String name = current.userId() == null
                    ? null
                    : store.person(current.userId())
                            .map(Person::name)
                            .orElse(current.userId().toString());
            UUID fallback = s.fallbackUserId() != null
                    ? s.fallbackUserId()
                    : store.team(s.teamId()).map(OnCallTeam::fallbackUserId).orElse(null);
            out.add(new OnCallNow(s.id(), s.name(), current.userId(), name, current.source(), current.end(), fallback));
        }
        return out;
    }

    @Override
    public Optional<Schedule> get(UUID id) {
        return store.schedule(id);
    }

    @Override
    public List<Schedule> list() {
        return store.schedules();
    }

    /** Everyone on call now in any schedule (for the out-of-band check). */
    Set<UUID> everyoneOnCallNow() {
        Set<UUID> out = new LinkedHashSet<>();
        for (OnCallNow n : onCallNow()) {
            if (n.userId() != null) {
                out.add(n.userId());
            }
        }
        return out;
    }
}
