/**
 * Notifications: channels and deliveries. A {@link dev.vigil.server.notify.Channel} is a contact point (a person's
 * e-mail address or chat webhook, or a shared one such as a team's Slack channel); {@link
 * dev.vigil.server.notify.Deliveries#enqueue} stores one notification for one channel durably (idempotent on its
 * dedup key) and a db-scheduler task sends it: every attempt is logged with its outcome, transient failures are
 * retried with exponential backoff, permanent ones are not, and a failed delivery moves the recipient's next
 * notification rule step forward. Channel types are {@link dev.vigil.server.notify.NotificationChannel} beans (the
 * SPI): e-mail (SMTP), signed generic webhook, Slack, Mattermost and Microsoft Teams are built in.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Notifications")
package dev.vigil.server.notify;
