package dev.vigil.server.platform;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Durable timers on db-scheduler: one task instance per subject and due time ({@code <subject>/<epoch millis>}), so
 * scheduling the same wake-up twice is one execution, written in the caller's transaction.
 *
 * <p>db-scheduler's immediate execution looks for due work right when it is scheduled, i.e. before the caller's
 * transaction commits, and would only find it at the next poll. For work due now (within a second) the scheduler is
 * asked again after the commit (at once when there is no transaction).
 */
public final class DurableTimers {

    private DurableTimers() {}

    /** Schedules {@code task} for {@code subject} at {@code at}, unless that very wake-up is already scheduled. */
    public static void wakeUpAt(ObjectProvider<SchedulerClient> scheduler, String task, UUID subject, Instant at) {
        scheduler.getObject().scheduleIfNotExists(new TaskInstance<Void>(task, subject + "/" + at.toEpochMilli()), at);
        checkAfterCommit(scheduler, at);
    }

    private static void checkAfterCommit(ObjectProvider<SchedulerClient> scheduler, Instant at) {
        if (at.isAfter(Instant.now().plusSeconds(1))) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    triggerCheck(scheduler);
                }
            });
        } else {
            triggerCheck(scheduler);
        }
    }

    private static void triggerCheck(ObjectProvider<SchedulerClient> scheduler) {
        if (scheduler.getIfAvailable() instanceof Scheduler s) {
            s.triggerCheckForDueExecutions();
        }
    }
}
