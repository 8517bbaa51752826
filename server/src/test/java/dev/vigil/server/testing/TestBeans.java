package dev.vigil.server.testing;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Beans every {@link VigilServerTest} context has (keep this small: it is part of the one shared context). */
@TestConfiguration(proxyBeanMethods = false)
public class TestBeans {
    @Bean
    RecordingAlertListener recordingAlertListener() {
        return new RecordingAlertListener();
    }

    /** A notification channel type {@code test-record} (the channel SPI, as an SMS provider would add one). */
    @Bean
    RecordingChannel recordingChannel() {
        return new RecordingChannel();
    }
}
