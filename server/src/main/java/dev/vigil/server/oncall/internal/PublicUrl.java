package dev.vigil.server.oncall.internal;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The base URL people reach Vigil at, for links in notifications: {@code vigil.public-url}, else
 * {@code http://localhost:<port>} of the running server.
 */
@Component
class PublicUrl {
    private final String configured;
    private volatile int port = 8080;

    PublicUrl(OnCallProperties properties) {
        String u = properties.publicUrl();
        this.configured = u == null || u.isBlank() ? null : u.strip().replaceAll("/+$", "");
    }

    @EventListener
    void on(WebServerInitializedEvent e) {
        port = e.getWebServer().getPort();
    }

    String base() {
        return configured != null ? configured : "http://localhost:" + port;
    }
}
