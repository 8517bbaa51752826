package dev.vigil.server.oncall.internal;

import java.time.Instant;
import java.util.UUID;
import org.springframework.context.ApplicationContext;

/** Lets tests outside this package move a page's escalation to a given (fake) time. */
public final class EscalationDriver {
    private EscalationDriver() {}

    /** Runs whatever of the page's escalation is due at {@code at}, as the durable wake-up would. */
    public static void advance(ApplicationContext context, UUID pageId, Instant at) {
        context.getBean(EscalationEngine.class).advance(pageId, at);
    }
}
