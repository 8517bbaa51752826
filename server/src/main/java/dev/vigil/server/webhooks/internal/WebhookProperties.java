package dev.vigil.server.webhooks.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vigil.webhooks.*}. {@code vigil.webhooks.secret-key}, the key that encrypts subscription secrets at rest, is
 * read by the platform's {@link dev.vigil.server.platform.crypto.SecretBox}, which every module with signing secrets
 * shares.
 *
 * @param timeout connect and response timeout of one delivery attempt
 * @param retryInitial the wait before the first retry; it doubles with every attempt
 * @param retryMax the longest wait between attempts
 * @param maxAttempts attempts before a delivery is given up (failed)
 * @param allowLoopback allow targets on 127.0.0.0/8 and ::1 (tests, a local relay); link-local addresses (cloud
 *     metadata services) are always refused
 * @param retention how long published events and their delivery log are kept (pending deliveries are never purged)
 * @param retentionInterval how often the retention job runs
 */
@ConfigurationProperties("vigil.webhooks")
public record WebhookProperties(
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("30s") Duration retryInitial,
        @DefaultValue("1h") Duration retryMax,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("false") boolean allowLoopback,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1d") Duration retentionInterval) {}
