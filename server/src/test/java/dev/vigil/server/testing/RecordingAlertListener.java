package dev.vigil.server.testing;

import dev.vigil.server.alerts.AlertRaised;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.modulith.events.ApplicationModuleListener;

/**
 * A durable alert consumer as the incident module will write one: an {@code @ApplicationModuleListener}, so every
 * {@link AlertRaised} goes through the JDBC event publication registry. Part of every {@link VigilServerTest} context.
 */
public class RecordingAlertListener {
    private final List<AlertRaised> received = new CopyOnWriteArrayList<>();

    @ApplicationModuleListener
    void on(AlertRaised event) {
        received.add(event);
    }

    public List<AlertRaised> received() {
        return received;
    }
}
