package dev.vigil.server.notify.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.notify.*}: delivery retries and the e-mail sender. SMTP itself is Spring Boot's {@code spring.mail.*}
 * (host, port, username, password, {@code properties.mail.smtp.starttls.enable/required}).
 *
 * @param maxAttempts attempts per delivery before it fails for good (transient failures only)
 * @param initialBackoff delay before the first retry; doubles per attempt
 * @param maxBackoff longest delay between retries
 * @param httpTimeout connect and response timeout of webhook calls
 * @param emailFrom the From address of e-mails
 */
@ConfigurationProperties("vigil.notify")
record NotifyProperties(
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("15s") Duration initialBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("10s") Duration httpTimeout,
        @DefaultValue("vigil@localhost") String emailFrom) {

    Duration backoff(int attemptsSoFar) {
        long factor = 1L << Math.min(20, Math.max(0, attemptsSoFar - 1));
        Duration d = initialBackoff.multipliedBy(factor);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
