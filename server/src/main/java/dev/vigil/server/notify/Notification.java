package dev.vigil.server.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What to tell someone. Channels render it for their medium.
 *
 * @param kind {@code page}, {@code reminder}, {@code resolved}, {@code test}, {@code webhook}, ...
 * @param id a stable id of this notification (receivers may deduplicate on it)
 * @param correlation what it is about, e.g. {@code page:<uuid>}
 * @param title one line
 * @param severity e.g. {@code critical}, or null
 * @param text plain-text body (may have several lines)
 * @param links links to show; {@code action} links (acknowledge, resolve) are single-use capabilities
 * @param recipientName whom it is addressed to, or null
 * @param data machine-readable details for webhooks
 */
public record Notification(
        String kind,
        String id,
        String correlation,
        String title,
        String severity,
        String text,
        List<Link> links,
        String recipientName,
        Instant createdAt,
        Map<String, Object> data) {

    public record Link(String label, String url, boolean action) {}

    public Notification {
        links = links == null ? List.of() : List.copyOf(links);
        data = data == null ? Map.of() : Map.copyOf(data);
        title = title == null ? "" : title;
        text = text == null ? "" : text;
    }
}
