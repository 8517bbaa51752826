package dev.vigil.server.notify.internal;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.EmptyResultDataAccessException;

/** The delivery task (one instance per delivery attempt: {@code <delivery id>/<due epoch millis>}). */
@Configuration(proxyBeanMethods = false)
class NotifyConfiguration {

    @Bean
    Task<Void> notifyDeliveryTask(@Lazy JdbcDeliveries deliveries) {
        return Tasks.oneTime(JdbcDeliveries.TASK).execute((instance, ctx) -> {
            String id = instance.getId();
            int slash = id.indexOf('/');
            try {
                deliveries.attempt(UUID.fromString(slash < 0 ? id : id.substring(0, slash)));
            } catch (EmptyResultDataAccessException gone) {
                // the delivery was deleted: nothing to send
            }
        });
    }
}
