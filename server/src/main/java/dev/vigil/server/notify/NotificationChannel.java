package dev.vigil.server.notify;

/**
 * The channel SPI: one bean per channel type (e-mail, webhook, Slack, ...). Add SMS or voice providers by declaring
 * another bean. Implementations must be thread-safe, must not retry themselves (the delivery worker retries
 * transient failures with backoff) and must classify every failure: {@link DeliveryResult#permanent} for what will
 * never work (bad address, 4xx, authentication), {@link DeliveryResult#transient_} for what may (timeouts, 5xx, 429).
 */
public interface NotificationChannel {

    /** The type id stored with channels, e.g. {@code email}; lower-case letters, digits and dashes. */
    String type();

    /** Checks an address (and secret) before a channel of this type is saved; throws IllegalArgumentException. */
    void validate(String address, String secret);

    /** Sends one notification. Never throws for delivery problems: returns a failure instead. */
    DeliveryResult deliver(Notification notification, ChannelTarget target);

    /** Whether addresses of this type are secret-bearing URLs that the API shows only masked. */
    default boolean addressIsSecret() {
        return true;
    }
}
