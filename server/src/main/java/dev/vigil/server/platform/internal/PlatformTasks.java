package dev.vigil.server.platform.internal;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.vigil.server.platform.audit.AuditLog;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable platform jobs (db-scheduler, table {@code scheduled_tasks}): the audit chain check runs at start and every
 * {@code vigil.audit.verify-interval} (default 1 hour) on one node of the cluster; a broken chain is logged as an
 * error, sets the gauge {@code vigil.audit.chain.intact} to 0 and shows on the dashboard.
 */
@Configuration(proxyBeanMethods = false)
class PlatformTasks {

    @Bean
    RecurringTask<Void> auditChainCheck(AuditLog audit, @Value("${vigil.audit.verify-interval:PT1H}") Duration every) {
        return Tasks.recurring("audit-chain-verify", FixedDelay.of(every))
                .execute((instance, context) -> audit.verify());
    }
}
