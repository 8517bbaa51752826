package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.notify.NotificationChannel;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generic webhook: a JSON document (schema {@code vigil.notification/v1}) POSTed to the channel's URL and signed
 * with HMAC-SHA256 over {@code <timestamp>.<body>} with the channel's secret, sent as
 * {@code X-Vigil-Signature: t=<unix seconds>,v1=<hex>} (the receiver recomputes it and rejects old timestamps against
 * replay). {@code X-Vigil-Delivery} carries the delivery id, {@code Idempotency-Key} the notification id, so receivers
 * can drop duplicates of retried deliveries.
 */
@Component
class WebhookChannel implements NotificationChannel {
    static final String SCHEMA = "vigil.notification/v1";
    private final HttpSender http;
    private final JsonMapper json;
    private final Clock clock;

    WebhookChannel(HttpSender http, JsonMapper json, Clock clock) {
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public void validate(String address, String secret) {
        HttpSender.validateUrl(address);
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("a webhook channel needs a signing secret of at least 16 characters");
        }
    }

    @Override
    public DeliveryResult deliver(Notification n, ChannelTarget target) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("id", n.id());
        doc.put("kind", n.kind());
        doc.put("correlation", n.correlation());
        doc.put("title", n.title());
        doc.put("severity", n.severity());
        doc.put("text", n.text());
        doc.put("recipient", n.recipientName());
        doc.put("createdAt", n.createdAt() == null ? null : n.createdAt().toString());
        doc.put("links", n.links());
        doc.put("data", n.data());
        String body = json.writeValueAsString(doc);
        long ts = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Vigil-Event", n.kind());
        headers.put("X-Vigil-Delivery", String.valueOf(target.deliveryId()));
        headers.put("Idempotency-Key", n.id());
        if (target.secret() != null) {
            headers.put("X-Vigil-Signature", "t=" + ts + ",v1=" + sign(target.secret(), ts, body));
        }
        return http.postJson(target.address(), body, headers);
    }

    /** HMAC-SHA256 of {@code ts + "." + body} as lower-case hex. */
    static String sign(String secret, long ts, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((ts + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
