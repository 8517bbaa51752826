package dev.vigil.server.detection.internal;

import dev.vigil.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives the engine's correlation between batches: {@link Engine#tick()} every {@code
 * vigil.detection.correlation.tick-interval} (default 1 s) releases detections held back for event-time ordering
 * once the stream has been idle for the allowance, so a window completes and alerts without waiting for the next
 * event; the firings are raised like any detection. The state is saved every {@code snapshot-interval} (default 1
 * min, only when it changed) and at shutdown, and restored when the engine is created ({@link CorrelationState}).
 */
@Component
class CorrelationDriver implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(CorrelationDriver.class);

    private final ActiveRules active;
    private final DefaultDetectionService detection;
    private final CorrelationState state;

    CorrelationDriver(ActiveRules active, DefaultDetectionService detection, CorrelationState state) {
        this.active = active;
        this.detection = detection;
        this.state = state;
    }

    @Scheduled(
            fixedDelayString = "${vigil.detection.correlation.tick-interval:1s}",
            initialDelayString = "${vigil.detection.correlation.tick-interval:1s}")
    void tick() {
        try {
            detection.tick();
        } catch (RuntimeException e) {
            log.warn("Correlation tick failed (retried at the next tick): {}", e.toString());
        }
    }

    @Scheduled(
            fixedDelayString = "${vigil.detection.correlation.snapshot-interval:1m}",
            initialDelayString = "${vigil.detection.correlation.snapshot-interval:1m}")
    void snapshot() {
        save(false);
    }

    /** Saves the correlation state now ({@code force}: even when unchanged); false without an engine. */
    boolean save(boolean force) {
        Engine engine = active.engine();
        if (engine == null) {
            return false;
        }
        try {
            return state.save(engine, force);
        } catch (RuntimeException e) {
            log.warn("Could not save the correlation state: {}", e.toString());
            return false;
        }
    }

    @Override
    public void destroy() {
        if (save(true)) {
            log.info("Saved the correlation state");
        }
    }
}
