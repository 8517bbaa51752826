package dev.vigil.server.oncall;

import java.util.UUID;

/** One step of a person's notification rules: notify over {@code channelId} {@code delayMinutes} after paging. */
public record NotificationRule(UUID channelId, int delayMinutes) {
    public NotificationRule {
        if (channelId == null) {
            throw new IllegalArgumentException("a notification rule needs a channelId");
        }
        if (delayMinutes < 0 || delayMinutes > 1440) {
            throw new IllegalArgumentException("delayMinutes must be between 0 and 1440");
        }
    }
}
