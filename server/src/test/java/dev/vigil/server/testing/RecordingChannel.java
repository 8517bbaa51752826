package dev.vigil.server.testing;

import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.notify.NotificationChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A channel type for tests ({@code test-record}): records every notification it is asked to deliver. An address of
 * {@code fail-permanent} or {@code fail-transient} makes it fail that way.
 */
public class RecordingChannel implements NotificationChannel {
    public record Sent(Notification notification, ChannelTarget target) {}

    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public String type() {
        return "test-record";
    }

    @Override
    public void validate(String address, String secret) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address required");
        }
    }

    @Override
    public DeliveryResult deliver(Notification notification, ChannelTarget target) {
        sent.add(new Sent(notification, target));
        return switch (target.address()) {
            case "fail-permanent" -> DeliveryResult.permanent("test: permanent failure");
            case "fail-transient" -> DeliveryResult.transient_("test: transient failure");
            default -> DeliveryResult.delivered("recorded");
        };
    }

    @Override
    public boolean addressIsSecret() {
        return false;
    }

    public List<Sent> sent() {
        return sent;
    }

    public List<Sent> sentTo(String address) {
        return sent.stream().filter(s -> s.target().address().equals(address)).toList();
    }
}
