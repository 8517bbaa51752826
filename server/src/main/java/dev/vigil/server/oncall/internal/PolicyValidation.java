package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.EscalationPolicy;
import dev.vigil.server.oncall.EscalationStep;

/** Checks a policy before it is saved; every problem names the step (1-based). */
final class PolicyValidation {
    private PolicyValidation() {}

    static EscalationPolicy normalise(EscalationPolicy p) {
        if (p.name() == null || p.name().isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (p.repeat() < 0 || p.repeat() > 20) {
            throw new IllegalArgumentException("repeat must be between 0 and 20");
        }
        int ack = p.ackTimeoutMinutes() == 0 ? EscalationPolicy.DEFAULT_ACK_TIMEOUT_MINUTES : p.ackTimeoutMinutes();
        if (ack < 1 || ack > 10080) {
            throw new IllegalArgumentException("ackTimeoutMinutes must be between 1 and 10080");
        }
        minutes(p.reminderMinutes(), "reminderMinutes");
        minutes(p.reackAfterMinutes(), "reackAfterMinutes");
        if (p.steps().isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one step");
        }
        if (p.steps().size() > 50) {
            throw new IllegalArgumentException("a policy has at most 50 steps");
        }
        boolean notifies = false;
        for (int i = 0; i < p.steps().size(); i++) {
            EscalationStep s = p.steps().get(i);
            String at = "step " + (i + 1) + ": ";
            if (s == null || s.type() == null) {
                throw new IllegalArgumentException(at + "type is required (notify, wait or webhook)");
            }
            switch (s.type()) {
                case NOTIFY -> {
                    if (s.targets().isEmpty()) {
                        throw new IllegalArgumentException(at + "a notify step needs targets");
                    }
                    minutes(s.timeoutMinutes(), at + "timeoutMinutes");
                    notifies = true;
                }
                case WAIT -> {
                    if (s.minutes() == null) {
                        throw new IllegalArgumentException(at + "a wait step needs minutes");
                    }
                    minutes(s.minutes(), at + "minutes");
                }
                case WEBHOOK -> {
                    if (s.channelId() == null) {
                        throw new IllegalArgumentException(at + "a webhook step needs a channelId");
                    }
                }
            }
        }
        if (!notifies) {
            throw new IllegalArgumentException("a policy needs at least one notify step");
        }
        return new EscalationPolicy(
                p.id(),
                p.name().strip(),
                p.description(),
                p.teamId(),
                p.repeat(),
                ack,
                p.reminderMinutes(),
                p.reackAfterMinutes(),
                p.steps(),
                p.createdAt(),
                p.updatedAt());
    }

    private static void minutes(Integer m, String what) {
        if (m != null && (m < 1 || m > 10080)) {
            throw new IllegalArgumentException(what + " must be between 1 and 10080");
        }
    }
}
