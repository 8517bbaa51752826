package dev.vigil.server.notify;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Channels (contact points). */
public interface ChannelService {
    Channel create(ChannelRequest request);

    Channel update(UUID id, ChannelRequest request);

    boolean delete(UUID id);

    Optional<Channel> get(UUID id);

    /** All channels, or those of one person when {@code userId} is not null. */
    List<Channel> list(UUID userId);

    /** The channel types available (built-in and SPI). */
    Set<String> types();
}
