package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.platform.net.OutboundTarget;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * POSTs JSON for the webhook-based channels and classifies the answer: 2xx delivered; 408, 425, 429 and 5xx and
 * network errors transient (Retry-After honoured, up to an hour); any other status permanent (including 3xx:
 * redirects are not followed, so a webhook cannot be bounced to another host). A target that resolves to a
 * link-local, any or multicast address, or to loopback unless {@code vigil.notify.allow-loopback}, is refused before
 * any connection ({@link OutboundTarget}; checked at every attempt): a permanent failure.
 */
@Component
class HttpSender {
    private final HttpClient client;
    private final Duration timeout;
    private final boolean allowLoopback;

    HttpSender(NotifyProperties properties) {
        this.timeout = properties.httpTimeout();
        this.allowLoopback = properties.allowLoopback();
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    DeliveryResult postJson(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b;
        try {
            URI target = URI.create(url);
            String refused = OutboundTarget.refused(target, allowLoopback, "vigil.notify.allow-loopback");
            if (refused != null) {
                return DeliveryResult.permanent(refused);
            }
            b = HttpRequest.newBuilder(target)
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Vigil-Notify/1")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return DeliveryResult.permanent("invalid URL: " + e.getMessage());
        } catch (UnknownHostException e) {
            return DeliveryResult.transient_("unknown host: " + e.getMessage());
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int s = r.statusCode();
            String answer = s + " " + abbreviate(r.body());
            if (s >= 200 && s < 300) {
                return DeliveryResult.delivered("HTTP " + answer);
            }
            if (s == 408 || s == 425 || s == 429 || s >= 500) {
                Duration retryAfter = r.headers()
                        .firstValue("Retry-After")
                        .map(HttpSender::retryAfter)
                        .orElse(null);
                return new DeliveryResult.Failed(false, "HTTP " + answer, retryAfter);
            }
            return DeliveryResult.permanent("HTTP " + answer);
        } catch (HttpTimeoutException e) {
            return DeliveryResult.transient_("timeout after " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            return DeliveryResult.transient_(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryResult.transient_("interrupted");
        }
    }

    private static Duration retryAfter(String v) {
        try {
            long s = Long.parseLong(v.trim());
            return Duration.ofSeconds(Math.max(0, Math.min(3600, s)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    static void validateUrl(String address) {
        URI u;
        try {
            u = URI.create(address.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        if (u.getScheme() == null
                || !(u.getScheme().equalsIgnoreCase("https") || u.getScheme().equalsIgnoreCase("http"))
                || u.getHost() == null) {
            throw new IllegalArgumentException("the address must be an http(s) URL with a host");
        }
    }
}
