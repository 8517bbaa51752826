package dev.vigil.server.oncall.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.server.oncall.HolidayCalendar;
import dev.vigil.server.oncall.OnCallTeam;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.testing.VigilServerTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Saving and deleting on-call configuration: a new item is created, saving it again by id updates it, an unknown id
 * is not created (404), a second item of the same name is a conflict (409), and every change is audited with the
 * state before and after.
 */
@VigilServerTest
class OnCallStoreTest {
    @Autowired
    OnCallStore store;

    @Autowired
    AuditLog audit;

    private List<String> actions(String type, UUID id) {
        return audit
                .find(new AuditQuery(null, null, type, id.toString(), null, null, null), PageQuery.of(0, 50))
                .items()
                .stream()
                .map(AuditEntry::action)
                .toList()
                .reversed();
    }

    @Test
    void teamsAreCreatedUpdatedRefusedAndDeletedWithAnAuditTrail() {
        String name = "store-team-" + UUID.randomUUID();
        OnCallTeam created = store.saveTeam(
                null,
                new OnCallTeam(null, name, List.of(), ZoneId.of("Europe/Berlin"), null, null, null, null, null, null));
        assertThat(store.team(created.id())).contains(created);

        OnCallTeam renamed = store.saveTeam(
                created.id(),
                new OnCallTeam(null, name + "-2", List.of(), ZoneId.of("UTC"), null, null, null, null, null, null));
        assertThat(renamed.id()).isEqualTo(created.id());
        assertThat(renamed.name()).isEqualTo(name + "-2");
        assertThat(renamed.timeZone()).isEqualTo(ZoneId.of("UTC"));

        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.saveTeam(
                        unknown,
                        new OnCallTeam(null, "x-" + unknown, List.of(), null, null, null, null, null, null, null)))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("no team " + unknown);
        assertThat(store.team(unknown)).isEmpty();
        assertThatThrownBy(() -> store.saveTeam(
                        null, new OnCallTeam(null, name + "-2", List.of(), null, null, null, null, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a team named '" + name + "-2' already exists");

        assertThat(store.deleteTeam(created.id())).isTrue();
        assertThat(store.deleteTeam(created.id())).isFalse();
        assertThat(store.team(created.id())).isEmpty();
        assertThat(actions("oncall_team", created.id())).containsExactly("created", "updated", "deleted");
    }

    @Test
    void schedulesAndCalendarsGoThroughTheSameSaveAndDelete() {
        String name = "store-schedule-" + UUID.randomUUID();
        Schedule s = store.saveSchedule(
                null, new Schedule(null, name, "first", ZoneId.of("Europe/Berlin"), null, null, List.of(), null, null));
        Schedule again = store.saveSchedule(
                s.id(),
                new Schedule(null, name, "second", ZoneId.of("Europe/Berlin"), null, null, List.of(), null, null));
        assertThat(again.description()).isEqualTo("second");
        assertThat(again.createdAt()).isEqualTo(s.createdAt());
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.saveSchedule(
                        unknown, new Schedule(null, "y", null, ZoneId.of("UTC"), null, null, List.of(), null, null)))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("no schedule " + unknown);
        assertThat(store.deleteSchedule(s.id())).isTrue();
        assertThat(store.schedule(s.id())).isEmpty();
        assertThat(actions("schedule", s.id())).containsExactly("created", "updated", "deleted");

        String calendarName = "store-calendar-" + UUID.randomUUID();
        HolidayCalendar c = store.saveCalendar(
                null, calendarName, List.of(new HolidayCalendar.Holiday(LocalDate.of(2026, 12, 25), "Christmas")));
        assertThat(store.holidayDates(c.id())).containsExactly(LocalDate.of(2026, 12, 25));
        assertThatThrownBy(() -> store.saveCalendar(null, calendarName, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a holiday calendar named '" + calendarName + "' already exists");
        assertThatThrownBy(() -> store.saveCalendar(unknown, "z", List.of()))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("no holiday calendar " + unknown);
        assertThat(actions("holiday_calendar", c.id())).containsExactly("created");
    }

    @Test
    void textLongerThanTheFormsAllowIsRefusedForEveryCaller() {
        String tooLongName = "n".repeat(201);
        assertThatThrownBy(() -> store.saveTeam(
                        null, new OnCallTeam(null, tooLongName, List.of(), null, null, null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be at most 200 characters");
        assertThatThrownBy(() -> store.saveCalendar(null, tooLongName, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must be at most 200 characters");
        assertThatThrownBy(() -> store.saveSchedule(
                        null,
                        new Schedule(
                                null,
                                "store-long-" + UUID.randomUUID(),
                                "d".repeat(2001),
                                ZoneId.of("UTC"),
                                null,
                                null,
                                List.of(),
                                null,
                                null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("description must be at most 2000 characters");
        Instant start = Instant.parse("2027-01-01T00:00:00Z");
        assertThatThrownBy(() -> store.addLeave(UUID.randomUUID(), start, start.plusSeconds(3600), "r".repeat(501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be at most 500 characters");
        // at the limit it is accepted
        String name = "n".repeat(160) + UUID.randomUUID();
        assertThat(store.saveTeam(null, new OnCallTeam(null, name, List.of(), null, null, null, null, null, null, null))
                        .name())
                .isEqualTo(name);
    }
}
