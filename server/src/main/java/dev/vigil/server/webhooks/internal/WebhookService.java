package dev.vigil.server.webhooks.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.crypto.SecretBox;
import dev.vigil.server.platform.net.OutboundTarget;
import dev.vigil.server.webhooks.WebhookDelivery;
import dev.vigil.server.webhooks.WebhookPublisher;
import dev.vigil.server.webhooks.WebhookSubscription;
import dev.vigil.server.webhooks.Webhooks;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscriptions, publishing and delivery attempts. Publishing stores the event's exact payload once and one delivery
 * per matching subscription, and schedules each delivery as a db-scheduler execution in the same transaction; an
 * attempt signs the stored payload, POSTs it, records the outcome and tells the task when to retry. Transient failures
 * (connection errors, timeouts, 408, 429, 5xx) are retried with exponential backoff; permanent ones (other 4xx, a
 * refused target) and exhausted retries end the delivery as {@code failed}.
 */
@Service
class WebhookService implements WebhookPublisher, Webhooks {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern TYPE = Pattern.compile("\\*|[a-z0-9_-]+(\\.[a-z0-9_-]+)*(\\.\\*)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final WebhookProperties properties;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final ObjectProvider<CustomTask<String>> deliveryTask;
    private final HttpClient http;

    WebhookService(
            JdbcClient jdbc,
            TransactionTemplate tx,
            Clock clock,
            AuditLog audit,
            SecretBox secrets,
            WebhookProperties properties,
            ObjectProvider<SchedulerClient> scheduler,
            ObjectProvider<CustomTask<String>> deliveryTask) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.secrets = secrets;
        this.properties = properties;
        this.scheduler = scheduler;
        this.deliveryTask = deliveryTask;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    // ---- subscriptions

    @Override
    public Created create(String name, String url, List<String> eventTypes, String secret, boolean includeExercises) {
        String n = requireName(name);
        URI target = checkUrl(url);
        List<String> types = checkTypes(eventTypes);
        String s = secret == null || secret.isBlank() ? newSecret() : checkSecret(secret);
        return tx.execute(st -> {
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            jdbc.sql("""
                            insert into webhook_subscriptions (id, name, url, secret, event_types, enabled,
                              include_exercises, created_at, updated_at) values (?, ?, ?, ?, ?, true, ?, ?, ?)""")
                    .params(
                            id,
                            n,
                            target.toString(),
                            secrets.seal(s),
                            types.toArray(String[]::new),
                            includeExercises,
                            Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
            WebhookSubscription sub = find(id).orElseThrow();
            audit.record("created", "webhook", id.toString(), null, sub);
            return new Created(sub, s);
        });
    }

    @Override
    public WebhookSubscription update(
            UUID id, String name, String url, List<String> eventTypes, Boolean enabled, Boolean includeExercises) {
        return tx.execute(st -> {
            WebhookSubscription before = find(id).orElseThrow(() -> notFound(id));
            jdbc.sql("""
                            update webhook_subscriptions set name = ?, url = ?, event_types = ?, enabled = ?,
                              include_exercises = ?, updated_at = ? where id = ?""")
                    .params(
                            name == null ? before.name() : requireName(name),
                            url == null ? before.url() : checkUrl(url).toString(),
                            (eventTypes == null ? before.eventTypes() : checkTypes(eventTypes)).toArray(String[]::new),
                            enabled == null ? before.enabled() : enabled,
                            includeExercises == null ? before.includeExercises() : includeExercises,
                            Timestamp.from(clock.instant()),
                            id)
                    .update();
            WebhookSubscription after = find(id).orElseThrow();
            audit.record("updated", "webhook", id.toString(), before, after);
            return after;
        });
    }

    @Override
    public String rotateSecret(UUID id) {
        String s = newSecret();
        tx.executeWithoutResult(st -> {
            WebhookSubscription sub = find(id).orElseThrow(() -> notFound(id));
            jdbc.sql("update webhook_subscriptions set secret = ?, updated_at = ? where id = ?")
                    .params(secrets.seal(s), Timestamp.from(clock.instant()), id)
                    .update();
            audit.record("secret_rotated", "webhook", id.toString(), null, sub);
        });
        return s;
    }

    @Override
    public boolean delete(UUID id) {
        return Boolean.TRUE.equals(tx.execute(st -> {
            Optional<WebhookSubscription> before = find(id);
            if (before.isEmpty()) {
                return false;
            }
            jdbc.sql("delete from webhook_subscriptions where id = ?").param(id).update();
            audit.record("deleted", "webhook", id.toString(), before.get(), null);
            return true;
        }));
    }

    @Override
    public Optional<WebhookSubscription> find(UUID id) {
        return jdbc.sql("select * from webhook_subscriptions where id = ?")
                .param(id)
                .query((rs, i) -> subscription(rs))
                .optional();
    }

    @Override
    public List<WebhookSubscription> list() {
        return jdbc.sql("select * from webhook_subscriptions order by name, id")
                .query((rs, i) -> subscription(rs))
                .list();
    }

    @Override
    public Page<WebhookDelivery> deliveries(UUID subscriptionId, PageQuery page) {
        long total = jdbc.sql("select count(*) from webhook_deliveries where subscription_id = ?")
                .param(subscriptionId)
                .query(Long.class)
                .single();
        List<WebhookDelivery> items = jdbc.sql("""
                        select d.*, e.type from webhook_deliveries d join webhook_events e on e.id = d.event_id
                        where d.subscription_id = ? order by d.created_at desc, d.id limit ? offset ?""")
                .params(subscriptionId, page.size(), page.offset())
                .query((rs, i) -> delivery(rs))
                .list();
        return Page.of(items, page, total);
    }

    @Override
    public UUID sendTest(UUID id) {
        find(id).orElseThrow(() -> notFound(id));
        UUID event = UUID.randomUUID();
        publish("webhook.test", event, Map.of("subscription", id.toString(), "message", "ping"), false, id);
        return event;
    }

    @Override
    public boolean redeliver(UUID subscriptionId, UUID deliveryId) {
        return Boolean.TRUE.equals(tx.execute(st -> {
            find(subscriptionId).orElseThrow(() -> notFound(subscriptionId));
            Instant now = clock.instant();
            int changed = jdbc.sql("""
                            update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = ?
                            where id = ? and subscription_id = ? and status = 'failed'""")
                    .params(Timestamp.from(now), deliveryId, subscriptionId)
                    .update();
            if (changed == 0) {
                return false;
            }
            scheduler.getObject().scheduleIfNotExists(deliveryTask.getObject().instance(deliveryId.toString()), now);
            audit.record(
                    "redelivered",
                    "webhook",
                    subscriptionId.toString(),
                    null,
                    Map.of("delivery", deliveryId.toString()));
            return true;
        }));
    }

    @Override
    public int purge(Instant before) {
        int deleted = jdbc.sql("""
                        delete from webhook_events e where e.occurred_at < ?
                          and not exists (select 1 from webhook_deliveries d
                                          where d.event_id = e.id and d.status = 'pending')""").param(Timestamp.from(before)).update();
        if (deleted > 0) {
            log.info("webhook retention: {} events older than {} and their deliveries deleted", deleted, before);
        }
        return deleted;
    }

    /** The retention job's run: everything older than {@code vigil.webhooks.retention}. */
    int purgeExpired() {
        return purge(clock.instant().minus(properties.retention()));
    }

    // ---- publishing

    @Override
    public void publish(String type, UUID eventId, Object data, boolean exercise) {
        publish(type, eventId, data, exercise, null);
    }

    /**
     * Publishes to the matching subscriptions (an exercise's event only to those that include exercises), or only to
     * {@code onlyTo} (the test ping).
     */
    void publish(String type, UUID eventId, Object data, boolean exercise, UUID onlyTo) {
        checkType(type);
        List<WebhookSubscription> targets = targets(type, exercise, onlyTo);
        if (!targets.isEmpty()) {
            tx.executeWithoutResult(st -> store(type, eventId, data, exercise, targets));
        }
    }

    /**
     * Publishes several events of one type (e.g. the alerts of one batch) in one transaction, reading the
     * subscriptions once: the same stored events and deliveries as {@link #publish(String, UUID, Object)} for each.
     */
    void publishAll(String type, Map<UUID, ?> events, boolean exercise) {
        checkType(type);
        List<WebhookSubscription> targets = targets(type, exercise, null);
        if (targets.isEmpty() || events.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(st -> events.forEach((id, data) -> store(type, id, data, exercise, targets)));
    }

    private static void checkType(String type) {
        if (type == null || !TYPE.matcher(type).matches() || type.contains("*")) {
            throw new IllegalArgumentException("invalid webhook event type '" + type + "'");
        }
    }

    private List<WebhookSubscription> targets(String type, boolean exercise, UUID onlyTo) {
        return list().stream()
                .filter(s -> onlyTo != null ? s.id().equals(onlyTo) : s.enabled() && s.wants(type, exercise))
                .toList();
    }

    private void store(String type, UUID eventId, Object data, boolean exercise, List<WebhookSubscription> targets) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("version", 1);
        payload.put("type", type);
        payload.put("id", eventId.toString());
        payload.put("occurred_at", now.toString());
        payload.put("data", data);
        String body = JSON.writeValueAsString(payload);
        int stored = jdbc.sql("""
                        insert into webhook_events (id, type, occurred_at, payload, exercise) values (?, ?, ?, ?, ?)
                        on conflict (id) do nothing""")
                .params(eventId, type, Timestamp.from(now), body, exercise)
                .update();
        if (stored == 0) {
            return; // published before (a redelivered application event)
        }
        for (WebhookSubscription s : targets) {
            UUID delivery = UUID.randomUUID();
            jdbc.sql("""
                            insert into webhook_deliveries (id, subscription_id, event_id, status, next_attempt_at,
                              created_at) values (?, ?, ?, 'pending', ?, ?)""")
                    .params(delivery, s.id(), eventId, Timestamp.from(now), Timestamp.from(now))
                    .update();
            scheduler.getObject().scheduleIfNotExists(deliveryTask.getObject().instance(delivery.toString()), now);
        }
    }

    // ---- delivery

    /** When to try again, or null when the delivery is finished (delivered, failed, or gone). */
    Instant attempt(UUID deliveryId) {
        record Job(
                UUID subscription,
                String url,
                byte[] secret,
                boolean enabled,
                String status,
                int attempts,
                String type,
                String payload,
                boolean withheld) {}
        Optional<Job> found = jdbc.sql("""
                        select d.subscription_id, s.url, s.secret, s.enabled, d.status, d.attempts, e.type, e.payload,
                          e.exercise and not s.include_exercises
                        from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id
                        join webhook_events e on e.id = d.event_id where d.id = ?""")
                .param(deliveryId)
                .query((rs, i) -> new Job(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getBytes(3),
                        rs.getBoolean(4),
                        rs.getString(5),
                        rs.getInt(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9)))
                .optional();
        if (found.isEmpty() || !found.get().status().equals("pending")) {
            return null;
        }
        Job job = found.get();
        Instant start = clock.instant();
        int attempt = job.attempts() + 1;
        Integer status = null;
        String error = null;
        boolean retry;
        if (!job.enabled()) {
            error = "the subscription is disabled";
            retry = false;
        } else if (job.withheld()) {
            error = "an exercise event, and the subscription no longer includes exercises";
            retry = false;
        } else {
            try {
                URI target = URI.create(job.url());
                String refused = refusedTarget(target);
                if (refused != null) {
                    error = refused;
                    retry = false;
                } else {
                    long ts = start.getEpochSecond();
                    HttpResponse<Void> r = http.send(
                            HttpRequest.newBuilder(target)
                                    .timeout(properties.timeout())
                                    .header("Content-Type", "application/json")
                                    .header("User-Agent", "Vigil-Webhooks/1")
                                    .header("Vigil-Event-Type", job.type())
                                    .header("Vigil-WebhookDelivery-Id", deliveryId.toString())
                                    .header(
                                            WebhookSignature.HEADER,
                                            WebhookSignature.header(secrets.open(job.secret()), ts, job.payload()))
                                    .POST(HttpRequest.BodyPublishers.ofString(job.payload()))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    status = r.statusCode();
                    if (status >= 200 && status < 300) {
                        retry = false;
                    } else {
                        error = "HTTP " + status;
                        retry = status == 408 || status == 429 || status >= 500;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                retry = true;
            } catch (Exception e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retry = true;
            }
        }
        Instant end = clock.instant();
        boolean delivered = status != null && status >= 200 && status < 300;
        Instant next = null;
        String state;
        if (delivered) {
            state = "delivered";
        } else if (retry && attempt < properties.maxAttempts()) {
            state = "pending";
            next = end.plus(backoff(attempt));
        } else {
            state = "failed";
        }
        jdbc.sql("""
                        update webhook_deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
                          last_status = ?, last_error = ?, response_ms = ?, delivered_at = ? where id = ?""")
                .params(
                        state,
                        attempt,
                        next == null ? null : Timestamp.from(next),
                        Timestamp.from(start),
                        status,
                        error == null ? null : error.substring(0, Math.min(500, error.length())),
                        (int) Duration.between(start, end).toMillis(),
                        delivered ? Timestamp.from(end) : null,
                        deliveryId)
                .update();
        if (state.equals("failed")) {
            log.warn(
                    "Webhook delivery {} of {} to {} failed after {} attempt(s): {}",
                    deliveryId,
                    job.type(),
                    job.url(),
                    attempt,
                    error);
        }
        return next;
    }

    Duration backoff(int attempt) {
        Duration d = properties.retryInitial().multipliedBy(1L << Math.min(20, attempt - 1));
        return d.compareTo(properties.retryMax()) > 0 ? properties.retryMax() : d;
    }

    /** Why a target may not be called, or null. Checked at every attempt (DNS may change). */
    String refusedTarget(URI target) {
        try {
            return OutboundTarget.refused(target, properties.allowLoopback(), "vigil.webhooks.allow-loopback");
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unknown host " + target.getHost());
        }
    }

    // ---- validation and mapping

    private static String requireName(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a webhook needs a name of at most 200 characters");
        }
        return name.strip();
    }

    static URI checkUrl(String url) {
        URI u;
        try {
            u = URI.create(url == null ? "" : url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid webhook URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("a webhook URL is http(s)://host[:port]/path without credentials");
        }
        return u;
    }

    static List<String> checkTypes(List<String> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException("eventTypes is required (e.g. [\"alert.raised\", \"rule.*\"])");
        }
        for (String t : types) {
            if (t == null || !TYPE.matcher(t).matches()) {
                throw new IllegalArgumentException("invalid event type pattern '" + t + "'");
            }
        }
        return List.copyOf(types);
    }

    private static String checkSecret(String secret) {
        if (secret.length() < 16 || secret.length() > 256) {
            throw new IllegalArgumentException("a webhook secret has 16 to 256 characters");
        }
        return secret;
    }

    private static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static NoSuchElementException notFound(UUID id) {
        return new NoSuchElementException("no webhook " + id);
    }

    private static WebhookSubscription subscription(ResultSet rs) throws SQLException {
        return new WebhookSubscription(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("url"),
                Arrays.asList((String[]) rs.getArray("event_types").getArray()),
                rs.getBoolean("enabled"),
                rs.getBoolean("include_exercises"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
        return new WebhookDelivery(
                rs.getObject("id", UUID.class),
                rs.getObject("subscription_id", UUID.class),
                rs.getObject("event_id", UUID.class),
                rs.getString("type"),
                rs.getString("status"),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                instant(rs, "last_attempt_at"),
                (Integer) rs.getObject("last_status"),
                rs.getString("last_error"),
                (Integer) rs.getObject("response_ms"),
                instant(rs, "delivered_at"),
                instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
