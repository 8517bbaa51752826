package dev.vigil.server.detection.internal;

import dev.vigil.server.detection.DetectionService;
import dev.vigil.server.ingest.EventSink;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {
    @Bean
    ActiveRules activeRules(DetectionProperties properties) {
        return new ActiveRules(properties.excludedStatuses());
    }

    /** Intake delivers its batches here (the intake pipeline looks up the {@link EventSink} bean). */
    @Bean
    EventSink detectionEventSink(DetectionService detection) {
        return detection::process;
    }
}
