package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.Person;
import dev.vigil.server.oncall.Schedule;
import dev.vigil.server.oncall.Shift;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;
import net.fortuna.ical4j.validate.ValidationException;

/**
 * iCalendar (RFC 5545) export of on-call shifts with ical4j (line folding, escaping and validation are the
 * library's). One VEVENT per shift in UTC; the UID is stable for a (schedule, person, start), so calendar clients
 * update rather than duplicate events when they re-subscribe.
 */
final class ICalExport {
    private ICalExport() {}

    static String schedule(Schedule s, List<Shift> shifts, Function<UUID, String> names, Instant now) {
        Calendar cal = calendar();
        for (Shift sh : shifts) {
            if (sh.userId() == null) {
                continue;
            }
            cal.add(event(s, sh, "On call: " + names.apply(sh.userId()) + " (" + s.name() + ")", now));
        }
        return write(cal);
    }

    static String person(Person p, List<ScheduleQueries.UserShift> shifts, Instant now) {
        Calendar cal = calendar();
        for (ScheduleQueries.UserShift us : shifts) {
            cal.add(event(us.schedule(), us.shift(), "On call: " + us.schedule().name(), now));
        }
        return write(cal);
    }

    private static Calendar calendar() {
        Calendar cal = new Calendar();
        cal.add(new ProdId("-//Vigil//On-call//EN"));
        cal.add(ImmutableVersion.VERSION_2_0);
        cal.add(ImmutableCalScale.GREGORIAN);
        cal.add(ImmutableMethod.PUBLISH);
        return cal;
    }

    private static VEvent event(Schedule s, Shift sh, String summary, Instant now) {
        VEvent e = new VEvent(sh.start(), sh.end(), summary);
        e.add(new Uid(s.id() + "-" + sh.userId() + "-" + sh.start().getEpochSecond() + "@vigil"));
        e.add(new Description("Schedule " + s.name() + " (" + s.timeZone().getId() + "), " + sh.source()));
        return e;
    }

    private static String write(Calendar cal) {
        try {
            StringWriter w = new StringWriter();
            new CalendarOutputter(true).output(cal, w);
            return w.toString();
        } catch (IOException | ValidationException e) {
            throw new IllegalStateException("cannot write the calendar: " + e.getMessage(), e);
        }
    }
}
