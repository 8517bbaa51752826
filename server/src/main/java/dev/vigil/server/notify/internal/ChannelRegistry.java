package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.NotificationChannel;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The {@link NotificationChannel} beans by type; a duplicate or malformed type fails the start. */
@Component
class ChannelRegistry {
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private final Map<String, NotificationChannel> byType;

    ChannelRegistry(List<NotificationChannel> channels) {
        Map<String, NotificationChannel> m = new TreeMap<>();
        for (NotificationChannel c : channels) {
            if (!TYPE.matcher(c.type()).matches()) {
                throw new IllegalStateException("channel type '" + c.type() + "' is not [a-z][a-z0-9-]*");
            }
            if (m.put(c.type(), c) != null) {
                throw new IllegalStateException("two notification channels of type '" + c.type() + "'");
            }
        }
        this.byType = Collections.unmodifiableMap(m);
    }

    Optional<NotificationChannel> get(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    NotificationChannel require(String type) {
        NotificationChannel c = byType.get(type);
        if (c == null) {
            throw new IllegalArgumentException("unknown channel type '" + type + "' (known: " + byType.keySet() + ")");
        }
        return c;
    }

    Set<String> types() {
        return byType.keySet();
    }
}
