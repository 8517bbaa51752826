package dev.vigil.server.incidents.internal;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The incident module's durable jobs (db-scheduler): one timer per deadline warning and deadline
 * ({@value DefaultObligationService#TASK}), and a periodic sweep that catches stages whose timer was lost (e.g. a
 * deadline computed while the scheduler was stopped).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IncidentProperties.class)
class IncidentConfiguration {

    @Bean
    OneTimeTask<Void> incidentDeadlineTask(DefaultObligationService obligations, Clock clock) {
        return Tasks.oneTime(DefaultObligationService.TASK)
                .execute((instance, ctx) -> obligations.escalate(clock.instant()));
    }

    @Bean
    RecurringTask<Void> incidentDeadlineSweep(
            DefaultObligationService obligations, Clock clock, IncidentProperties properties) {
        return Tasks.recurring(
                        "incident-deadline-sweep", FixedDelay.of(Offset.duration(properties.deadlineScanInterval())))
                .execute((instance, ctx) -> obligations.escalate(clock.instant()));
    }
}
