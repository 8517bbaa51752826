package dev.vigil.server.events.internal;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The event store's durable timers (db-scheduler, so a restart neither loses nor doubles a run, and only one of
 * several servers on one database runs each): the integrity verification ({@code vigil.events.verify.schedule},
 * daily by default) and retention ({@code vigil.events.retention.schedule}, hourly).
 */
@Configuration(proxyBeanMethods = false)
class EventsSchedule {

    @Bean
    RecurringTask<Void> eventsIntegrityTask(IntegrityVerifications verifications, EventsProperties p) {
        String schedule = p.verify().enabled() ? p.verify().schedule() : "-";
        return Tasks.recurring("vigil-events-verify", Schedules.parseSchedule(schedule))
                .execute((instance, context) -> verifications.run(null, null, "schedule", "scheduler"));
    }

    @Bean
    RecurringTask<Void> eventsRetentionTask(RetentionJob retention, EventsProperties p) {
        return Tasks.recurring(
                        "vigil-events-retention",
                        Schedules.parseSchedule(p.retention().schedule()))
                .execute((instance, context) -> {
                    try {
                        retention.run();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
