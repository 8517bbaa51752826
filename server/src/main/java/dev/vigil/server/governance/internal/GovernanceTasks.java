package dev.vigil.server.governance.internal;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.vigil.server.governance.GovernanceService;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reminder job (db-scheduler, one node): every {@code vigil.governance.reminder-interval} (default 1 hour) it
 * publishes a {@link dev.vigil.server.governance.GovernanceReminder} for each review, training expiry and overdue
 * follow-up that became due; each due date is reminded once (table {@code gov_reminders_sent}).
 */
@Configuration(proxyBeanMethods = false)
class GovernanceTasks {
    @Bean
    RecurringTask<Void> governanceReminders(
            GovernanceService governance,
            Clock clock,
            @Value("${vigil.governance.reminder-interval:PT1H}") Duration every) {
        return Tasks.recurring("governance-reminders", FixedDelay.of(every))
                .execute((instance, context) -> governance.sendDueReminders(clock.instant()));
    }

    /** The missing-log defect scan, every {@code vigil.governance.defect-scan-interval} (default 15 minutes). */
    @Bean
    RecurringTask<Void> logDefectScan(
            dev.vigil.server.governance.DetectionChecklist checklist,
            Clock clock,
            @Value("${vigil.governance.defect-scan-interval:PT15M}") Duration every) {
        return Tasks.recurring("governance-log-defect-scan", FixedDelay.of(every))
                .execute((instance, context) -> checklist.scanLogDefects(clock.instant()));
    }
}
