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
 * @param allowLoopback allow webhook and chat channel targets on 127.0.0.0/8 and ::1 (tests, a local relay, the demo's
 *     receiver); link-local addresses (cloud metadata services), the any-address and multicast are always refused
 */
@ConfigurationProperties("vigil.notify")
record NotifyProperties(
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("15s") Duration initialBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("10s") Duration httpTimeout,
        @DefaultValue("vigil@localhost") String emailFrom,
        @DefaultValue("false") boolean allowLoopback) {

    Duration backoff(int attemptsSoFar) {
        long factor = 1L << Math.min(20, Math.max(0, attemptsSoFar - 1));
        Duration d = initialBackoff.multipliedBy(factor);
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
