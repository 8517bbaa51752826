package dev.vigil.server.notify;

import java.time.Duration;

/** The outcome of one delivery attempt. */
public sealed interface DeliveryResult {

    /** Accepted by the receiving system (SMTP server, HTTP 2xx). */
    record Delivered(String detail) implements DeliveryResult {}

    /**
     * Not delivered.
     *
     * @param permanent true when retrying cannot help
     * @param reason what went wrong, for the delivery log
     * @param retryAfter the receiver's requested delay (HTTP Retry-After), or null
     */
    record Failed(boolean permanent, String reason, Duration retryAfter) implements DeliveryResult {}

    static DeliveryResult delivered(String detail) {
        return new Delivered(detail);
    }

    static DeliveryResult permanent(String reason) {
        return new Failed(true, reason, null);
    }

    static DeliveryResult transient_(String reason) {
        return new Failed(false, reason, null);
    }
}
