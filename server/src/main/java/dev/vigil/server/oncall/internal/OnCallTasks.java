package dev.vigil.server.oncall.internal;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The durable timers of on-call (db-scheduler, table {@code scheduled_tasks}): the escalation wake-up per page
 * ({@value EscalationEngine#TASK}), a sweep every minute that advances any page whose next action is overdue (a
 * wake-up held by an instance that died is otherwise only retried after db-scheduler's dead-execution timeout), and
 * the out-of-band check (and, in the sweep, its confirmation deadlines).
 */
@Configuration(proxyBeanMethods = false)
class OnCallTasks {
    private static final Logger log = LoggerFactory.getLogger(OnCallTasks.class);

    @Bean
    Task<Void> oncallEscalationTask(@Lazy EscalationEngine engine, Clock clock) {
        return Tasks.oneTime(EscalationEngine.TASK).execute((instance, ctx) -> {
            String id = instance.getId();
            int slash = id.indexOf('/');
            engine.advance(UUID.fromString(slash < 0 ? id : id.substring(0, slash)), clock.instant());
        });
    }

    @Bean
    RecurringTask<Void> oncallSweepTask(
            @Lazy EscalationEngine engine, @Lazy PageRepository pages, @Lazy OutOfBandCheck check, Clock clock) {
        return Tasks.recurring("oncall-sweep", FixedDelay.of(Duration.ofMinutes(1)))
                .execute((instance, ctx) -> {
                    var now = clock.instant();
                    try {
                        check.expire(now);
                    } catch (RuntimeException e) {
                        log.warn("Sweep: out-of-band check deadlines: {}", e.toString());
                    }
                    for (UUID id : pages.due(now.minusSeconds(30), 500)) {
                        try {
                            engine.advance(id, clock.instant());
                        } catch (RuntimeException e) {
                            log.warn("Sweep: page {} could not advance: {}", id, e.toString());
                        }
                    }
                });
    }

    @Bean
    RecurringTask<Void> oncallCheckTask(@Lazy OutOfBandCheck check, OnCallProperties properties) {
        return Tasks.recurring("oncall-check", FixedDelay.of(properties.check().interval()))
                .execute((instance, ctx) -> {
                    if (properties.check().enabled()) {
                        check.run();
                    }
                });
    }
}
