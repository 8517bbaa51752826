package dev.vigil.server.testing;

import dev.vigil.server.alerts.AlertRaised;
import dev.vigil.server.alerts.AlertsRaised;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.modulith.events.ApplicationModuleListener;

/**
 * A durable alert consumer as the incident module will write one: an {@code @ApplicationModuleListener}, so every
 * {@link AlertsRaised} batch goes through the JDBC event publication registry. Part of every {@link VigilServerTest}
 * context. {@link #received()} lists the alerts of every batch received; {@link #batches()} the batches.
 */
public class RecordingAlertListener {
    private final List<AlertRaised> received = new CopyOnWriteArrayList<>();
    private final List<AlertsRaised> batches = new CopyOnWriteArrayList<>();

    @ApplicationModuleListener
    void on(AlertsRaised event) {
        batches.add(event);
        received.addAll(event.alerts());
    }

    public List<AlertsRaised> batches() {
        return batches;
    }

    public List<AlertRaised> received() {
        return received;
    }
}
