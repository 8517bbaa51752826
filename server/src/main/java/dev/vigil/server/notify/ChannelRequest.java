package dev.vigil.server.notify;

import java.util.UUID;

/** Creates or changes a channel; on update, null fields stay as they are. */
public record ChannelRequest(UUID userId, String name, String type, String address, String secret, Boolean enabled) {}
