package dev.vigil.server.detection.internal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DetectionConfiguration {
    @Bean
    ActiveRules activeRules(DetectionProperties properties) {
        return new ActiveRules(properties.excludedStatuses());
    }
}
