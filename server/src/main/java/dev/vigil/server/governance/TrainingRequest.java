package dev.vigil.server.governance;

import java.time.Instant;

/** Records a training; {@code validForDays} (default 365) sets the expiry unless {@code expiresAt} is given. */
public record TrainingRequest(
        String person,
        String processKey,
        String course,
        Instant completedAt,
        Instant expiresAt,
        Integer validForDays,
        String evidence) {}
