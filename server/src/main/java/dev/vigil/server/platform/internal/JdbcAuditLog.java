package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditChain;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.platform.audit.AuditRecorded;
import dev.vigil.server.platform.audit.ChainVerification;
import dev.vigil.server.platform.jdbc.SqlFilter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log in table {@code audit_log} (see {@link AuditChain} for the hash). {@link #record} joins the caller's
 * transaction (or opens one), takes a transaction-scoped advisory lock so that appends are serialised across threads
 * and server nodes, reads the head, and inserts the next entry; the lock is released when the caller's transaction
 * ends, so record as the last statement of a change. Values are stored as canonical JSON (sorted keys), so the
 * stored text is exactly what was hashed.
 */
@Service
class JdbcAuditLog implements AuditLog {
    private static final Logger log = LoggerFactory.getLogger(JdbcAuditLog.class);
    /** pg_advisory_xact_lock key of audit appends ("VIGAUDIT"). */
    static final long LOCK_KEY = 0x5649474155444954L;

    static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final DataDirectory dataDirectory;
    private volatile ChainVerification last;

    JdbcAuditLog(
            JdbcClient jdbc,
            DataSource dataSource,
            TransactionTemplate tx,
            Clock clock,
            ApplicationEventPublisher events,
            DataDirectory dataDirectory,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.dataDirectory = dataDirectory;
        Gauge.builder("vigil.audit.chain.intact", this, a -> {
                    ChainVerification v = a.last;
                    return v == null ? Double.NaN : v.intact() ? 1 : 0;
                })
                .description("1 when the last audit chain verification found the log intact, 0 when it did not")
                .register(meters);
    }

    @Override
    public AuditEntry record(String action, String objectType, String objectId, Object before, Object after) {
        return record(Actor.current(), action, objectType, objectId, before, after);
    }

    @Override
    public AuditEntry record(
            Actor actor, String action, String objectType, String objectId, Object before, Object after) {
        require(action, "action");
        require(objectType, "objectType");
        String beforeJson = canonical(before);
        String afterJson = canonical(after);
        String ip = sourceIp();
        return tx.execute(status -> {
            jdbc.sql("select pg_advisory_xact_lock(?)")
                    .param(LOCK_KEY)
                    .query((rs, i) -> 1)
                    .single();
            record Head(long seq, byte[] hash) {}
            Head head = jdbc.sql("select seq, hash from audit_log order by seq desc limit 1")
                    .query((rs, i) -> new Head(rs.getLong(1), rs.getBytes(2)))
                    .optional()
                    .orElse(new Head(0, AuditChain.GENESIS));
            AuditEntry draft = new AuditEntry(
                    head.seq() + 1,
                    UUID.randomUUID(),
                    AuditChain.normalize(clock.instant()),
                    actor.type(),
                    actor.id(),
                    actor.name(),
                    ip,
                    action,
                    objectType,
                    objectId,
                    beforeJson,
                    afterJson,
                    null,
                    null);
            byte[] hash = AuditChain.hash(head.hash(), draft);
            jdbc.sql("""
                            insert into audit_log (seq, id, occurred_at, actor_type, actor_id, actor_name, source_ip,
                              action, object_type, object_id, before_json, after_json, prev_hash, hash)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            draft.seq(),
                            draft.id(),
                            Timestamp.from(draft.occurredAt()),
                            draft.actorType(),
                            draft.actorId(),
                            draft.actorName(),
                            draft.sourceIp(),
                            draft.action(),
                            draft.objectType(),
                            draft.objectId(),
                            draft.before(),
                            draft.after(),
                            head.hash(),
                            hash)
                    .update();
            events.publishEvent(new AuditRecorded(
                    draft.id(),
                    draft.seq(),
                    draft.occurredAt(),
                    actor,
                    action,
                    objectType,
                    objectId,
                    beforeJson,
                    afterJson));
            HexFormat hex = HexFormat.of();
            return new AuditEntry(
                    draft.seq(),
                    draft.id(),
                    draft.occurredAt(),
                    draft.actorType(),
                    draft.actorId(),
                    draft.actorName(),
                    draft.sourceIp(),
                    action,
                    objectType,
                    objectId,
                    beforeJson,
                    afterJson,
                    hex.formatHex(head.hash()),
                    hex.formatHex(hash));
        });
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("audit " + name + " is required");
        }
    }

    /** Canonical JSON of a value (sorted keys), or null. */
    static String canonical(Object value) {
        if (value == null) {
            return null;
        }
        Object plain = CANONICAL.convertValue(value, Object.class);
        return CANONICAL.writeValueAsString(plain);
    }

    private static String sourceIp() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
            HttpServletRequest r = a.getRequest();
            return r.getRemoteAddr();
        }
        return null;
    }

    @Override
    public Page<AuditEntry> find(AuditQuery q, PageQuery page) {
        SqlFilter w = where(q);
        long total = w.count(jdbc, "audit_log");
        String order = SqlFilter.orderBy(page, SORTS, " asc", " desc");
        List<AuditEntry> items = jdbc.sql(AuditChain.select(
                        w.sql() + (order.isEmpty() ? " order by seq desc" : order) + " limit ? offset ?"))
                .params(w.params(page.size(), page.offset()))
                .query((rs, i) -> AuditChain.read(rs))
                .list();
        return Page.of(items, page, total);
    }

    @Override
    public void forEach(AuditQuery q, Consumer<AuditEntry> consumer) {
        SqlFilter w = where(q);
        try (var stream = jdbc
                .sql(AuditChain.select(w.sql() + " order by seq"))
                .params(w.params())
                .withFetchSize(500)
                .query((rs, i) -> AuditChain.read(rs))
                .stream()) {
            stream.forEach(consumer);
        }
    }

    private static final Map<String, String> SORTS = Map.of("seq", "seq", "occurredAt", "occurred_at");

    private static SqlFilter where(AuditQuery q) {
        SqlFilter w = new SqlFilter();
        if (q.actor() != null) {
            w.and("(actor_name = ? or actor_id = ?)", q.actor(), q.actor());
        }
        return w.whenPresent("action = ?", q.action())
                .whenPresent("object_type = ?", q.objectType())
                .whenPresent("object_id = ?", q.objectId())
                .whenPresent(
                        "(strpos(lower(action || ' ' || object_type || ' ' || coalesce(object_id, '') || ' '"
                                + " || coalesce(before_json, '') || ' ' || coalesce(after_json, '')), lower(?)) > 0)",
                        q.text())
                .range("occurred_at", q.from(), q.to());
    }

    @Override
    public ChainVerification verify() {
        ChainVerification v;
        try (Connection c = dataSource.getConnection()) {
            v = AuditChain.verify(c, clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log: " + e.getMessage(), e);
        }
        jdbc.sql("""
                        insert into audit_checkpoints (checked_at, head_seq, head_hash, intact, problem)
                        values (?, ?, ?, ?, ?)""")
                .params(
                        Timestamp.from(v.checkedAt()),
                        v.headSeq(),
                        v.headHash() == null ? null : HexFormat.of().parseHex(v.headHash()),
                        v.intact(),
                        v.problem())
                .update();
        if (v.intact()) {
            writeAnchor(v);
            log.debug("Audit chain intact: {} entries, head {}", v.entries(), v.headSeq());
        } else {
            log.error("AUDIT LOG TAMPERING DETECTED: {} (first bad entry {})", v.problem(), v.firstBadSeq());
        }
        last = v;
        return v;
    }

    /** {@code DATA_DIR/audit-head}: the last verified head, outside the database, for {@code ./vigil audit verify}. */
    private void writeAnchor(ChainVerification v) {
        Path file = dataDirectory.root().resolve(dev.vigil.server.platform.audit.AuditAnchor.FILE);
        try {
            Path tmp = file.resolveSibling(dev.vigil.server.platform.audit.AuditAnchor.FILE + ".tmp");
            Files.writeString(
                    tmp,
                    dev.vigil.server.platform.audit.AuditAnchor.format(v.headSeq(), v.headHash()),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Cannot write {}: {}", file, e.getMessage());
        }
    }

    @Override
    public ChainVerification lastVerification() {
        return last;
    }
}
