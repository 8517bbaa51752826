package dev.vigil.server.oncall;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Who is notified, in which order, until someone acknowledges.
 *
 * @param teamId the owning team: its business hours decide step conditions, its fallback is told when the policy is
 *     exhausted
 * @param repeat how many times the whole policy runs again after its last step (0..20)
 * @param ackTimeoutMinutes how long a notify step waits for an acknowledgement before the next step (default 20)
 * @param reminderMinutes while acknowledged and unresolved, remind the acknowledger every N minutes (null: never)
 * @param reackAfterMinutes an acknowledgement expires after N minutes unresolved and escalation restarts (null: never)
 */
public record EscalationPolicy(
        UUID id,
        String name,
        String description,
        UUID teamId,
        int repeat,
        int ackTimeoutMinutes,
        Integer reminderMinutes,
        Integer reackAfterMinutes,
        List<EscalationStep> steps,
        Instant createdAt,
        Instant updatedAt) {
    public static final int DEFAULT_ACK_TIMEOUT_MINUTES = 20;

    public EscalationPolicy {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }
}
