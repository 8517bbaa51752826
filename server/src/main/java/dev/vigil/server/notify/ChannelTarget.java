package dev.vigil.server.notify;

import java.util.UUID;

/** Where a delivery goes: the channel's stored address and secret (HMAC key of signed webhooks, or null). */
public record ChannelTarget(UUID channelId, String type, String name, String address, String secret, UUID deliveryId) {
    @Override
    public String toString() {
        return "ChannelTarget[" + type + " " + name + "]";
    }
}
