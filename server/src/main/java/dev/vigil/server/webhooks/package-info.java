/**
 * Outgoing webhooks: subscriptions (URL, secret, event types), a versioned JSON payload signed with HMAC-SHA256 and a
 * timestamp, durable delivery with retries and backoff (db-scheduler: a restart loses nothing), and a delivery log.
 * Events: {@code alert.raised}, every audited change as {@code <objectType>.<action>} (e.g. {@code rule.disabled}),
 * and whatever other modules publish through {@link dev.vigil.server.webhooks.WebhookPublisher}. See
 * {@code docs/webhooks.md}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Webhooks")
package dev.vigil.server.webhooks;
