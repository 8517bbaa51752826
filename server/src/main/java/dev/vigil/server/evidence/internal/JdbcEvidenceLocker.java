package dev.vigil.server.evidence.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.evidence.CustodyEntry;
import dev.vigil.server.evidence.EvidenceIntegrityException;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.evidence.EvidenceLocker;
import dev.vigil.server.evidence.EvidenceTooLargeException;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.platform.DataDirectory;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evidence locker on disk ({@code DATA_DIR/evidence/<incident>/<item>}, files made read-only) and in PostgreSQL
 * ({@code evidence_items}, {@code evidence_custody}, the latter append-only by trigger). Uploads are streamed to a
 * temporary file through a SHA-256 digest and moved into place only when complete and within the size cap. Downloads
 * hash the stored file again first: a mismatch is recorded in its own transaction (so the refusal cannot roll it
 * back) and the download refused.
 */
@Service
@EnableConfigurationProperties(EvidenceProperties.class)
class JdbcEvidenceLocker implements EvidenceLocker {
    static final Set<String> CUSTODY_ACTIONS =
            Set.of("transferred", "returned", "sealed", "analysed", "copied", "note");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final IncidentService incidents;
    private final TimelineService timeline;
    private final AlertService alerts;
    private final Path root;
    private final long maxSize;
    private final JsonMapper json = JsonMapper.builder().build();
    private final IntegrityRecorder recorder;

    JdbcEvidenceLocker(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            IncidentService incidents,
            TimelineService timeline,
            AlertService alerts,
            DataDirectory data,
            EvidenceProperties properties,
            IntegrityRecorder recorder) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.incidents = incidents;
        this.timeline = timeline;
        this.alerts = alerts;
        this.root = data.directory("evidence");
        this.maxSize = properties.maxSize().toBytes();
        this.recorder = recorder;
    }

    private Incident incident(UUID incidentId) {
        return incidents.get(incidentId).orElseThrow(() -> new NoSuchElementException("no incident " + incidentId));
    }

    @Override
    @Transactional
    public EvidenceItem upload(
            UUID incidentId, String name, String contentType, String description, InputStream content) {
        Incident incident = incident(incidentId);
        String fileName = name(name);
        UUID id = UUID.randomUUID();
        Path dir = dir(incidentId);
        Path tmp = dir.resolve(id + ".part");
        MessageDigest sha = sha256();
        long size = 0;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = content.read(buf)) > 0) {
                size += n;
                if (size > maxSize) {
                    throw new EvidenceTooLargeException("evidence files are limited to " + maxSize + " bytes");
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot store the upload", e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        Path file = dir.resolve(id.toString());
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            file.toFile().setReadOnly();
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot store the upload", e);
        }
        return collected(
                incident, id, "file", fileName, contentType(contentType), size, hash, file, null, null, description);
    }

    @Override
    @Transactional
    public EvidenceItem attachAlert(UUID incidentId, UUID alertId, String description) {
        Incident incident = incident(incidentId);
        Alert a = alerts.get(alertId).orElseThrow(() -> new NoSuchElementException("no alert " + alertId));
        byte[] bytes = canonical(a.event());
        UUID id = UUID.randomUUID();
        Path file = dir(incidentId).resolve(id.toString());
        try {
            Files.write(file, bytes);
            file.toFile().setReadOnly();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the event", e);
        }
        String hash = HexFormat.of().formatHex(sha256().digest(bytes));
        return collected(
                incident,
                id,
                "alert",
                "alert-" + alertId + "-event.json",
                "application/json",
                bytes.length,
                hash,
                file,
                null,
                alertId,
                description == null ? "Matched event of alert: " + a.ruleTitle() : description);
    }

    /**
     * Canonical JSON of an event: object keys sorted at every level, no insignificant whitespace, UTF-8. The same
     * event always yields the same bytes, so its SHA-256 can be recomputed from the source independently.
     */
    byte[] canonical(String eventJson) {
        Object tree = json.readValue(eventJson, Object.class);
        return json.writeValueAsString(sorted(tree)).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object o) {
        if (o instanceof Map<?, ?> m) {
            TreeMap<String, Object> t = new TreeMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> t.put(k, sorted(v)));
            return t;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(JdbcEvidenceLocker::sorted).toList();
        }
        return o;
    }

    private EvidenceItem collected(
            Incident incident,
            UUID id,
            String kind,
            String name,
            String contentType,
            long size,
            String hash,
            Path file,
            Long eventId,
            UUID alertId,
            String description) {
        Instant now = clock.instant();
        String who = Actor.current().name();
        String relative = root.relativize(file).toString();
        jdbc.sql("""
                        insert into evidence_items (id, incident_id, kind, name, content_type, size_bytes, sha256,
                            storage_path, event_id, alert_id, description, integrity, checked_at, created_at, created_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'intact', ?, ?, ?)""")
                .params(
                        id,
                        incident.id(),
                        kind,
                        name,
                        contentType,
                        size,
                        hash,
                        relative,
                        eventId,
                        alertId,
                        description == null ? null : description.strip(),
                        Timestamp.from(now),
                        Timestamp.from(now),
                        who)
                .update();
        custody(id, "collected", "locker:" + relative, kind.equals("file") ? "uploaded" : "attached " + kind, hash);
        EvidenceItem item = get(id).orElseThrow();
        timeline.record(
                incident.id(), "evidence", "Evidence collected: " + name + " (sha256 " + hash + ")", description);
        audit.record("evidence.collect", "evidence", id.toString(), null, item);
        return item;
    }

    @Override
    public List<EvidenceItem> list(UUID incidentId) {
        return jdbc.sql("select * from evidence_items where incident_id = ? order by created_at, id")
                .param(incidentId)
                .query((rs, n) -> map(rs))
                .list();
    }

    /** By collection time, the id breaking ties; served by {@code evidence_items_listed_idx}. */
    static final Keyset ITEM_ORDER =
            new Keyset("evidence-items", "created_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    /** In the order written; {@code seq} is unique; served by {@code evidence_custody_item_idx}. */
    static final Keyset CUSTODY_ORDER = new Keyset("evidence-custody", "seq", Keyset.Kind.LONG);

    @Override
    public Page<EvidenceItem> list(UUID incidentId, PageQuery page) {
        return ITEM_ORDER.page(
                jdbc,
                new SqlFilter().and("incident_id = ?", incidentId),
                "evidence_items",
                "select * from evidence_items",
                page,
                page.descendingBy("createdAt"),
                (rs, n) -> map(rs),
                EvidenceItem::createdAt,
                EvidenceItem::id);
    }

    @Override
    public Page<CustodyEntry> custody(UUID evidenceId, PageQuery page) {
        return CUSTODY_ORDER.page(
                jdbc,
                new SqlFilter().and("evidence_id = ?", evidenceId),
                "evidence_custody",
                "select * from evidence_custody",
                page,
                page.descendingBy("seq"),
                (rs, n) -> mapCustody(rs),
                CustodyEntry::seq,
                e -> null);
    }

    @Override
    public Optional<EvidenceItem> get(UUID evidenceId) {
        return jdbc.sql("select * from evidence_items where id = ?")
                .param(evidenceId)
                .query((rs, n) -> map(rs))
                .optional();
    }

    private EvidenceItem item(UUID id) {
        return get(id).orElseThrow(() -> new NoSuchElementException("no evidence " + id));
    }

    @Override
    @Transactional(noRollbackFor = EvidenceIntegrityException.class)
    public Download open(UUID evidenceId, String purpose) {
        EvidenceItem item = item(evidenceId);
        Path file = path(evidenceId);
        String observed = hashOrNull(file);
        if (!item.sha256().equals(observed)) {
            recorder.failure(item, observed, file, "download refused");
            throw new EvidenceIntegrityException(
                    "evidence " + item.name() + " failed its integrity check (expected sha256 " + item.sha256()
                            + ", found " + (observed == null ? "no file" : observed) + "); download refused");
        }
        String why = purpose == null || purpose.isBlank() ? null : purpose.strip();
        custody(evidenceId, "downloaded", "locker:" + root.relativize(file), why, observed);
        jdbc.sql("update evidence_items set integrity = 'intact', checked_at = ? where id = ?")
                .params(Timestamp.from(clock.instant()), evidenceId)
                .update();
        audit.record(
                "evidence.download",
                "evidence",
                evidenceId.toString(),
                null,
                Map.of("sha256", observed, "purpose", why == null ? "" : why));
        try {
            return new Download(item(evidenceId), Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    @Transactional(noRollbackFor = EvidenceIntegrityException.class)
    public EvidenceItem verify(UUID evidenceId) {
        EvidenceItem item = item(evidenceId);
        Path file = path(evidenceId);
        String observed = hashOrNull(file);
        if (!item.sha256().equals(observed)) {
            recorder.failure(item, observed, file, "verification");
            return item(evidenceId);
        }
        custody(evidenceId, "verified", "locker:" + root.relativize(file), null, observed);
        jdbc.sql("update evidence_items set integrity = 'intact', checked_at = ? where id = ?")
                .params(Timestamp.from(clock.instant()), evidenceId)
                .update();
        audit.record("evidence.verify", "evidence", evidenceId.toString(), null, Map.of("sha256", observed));
        return item(evidenceId);
    }

    @Override
    @Transactional
    public CustodyEntry recordCustody(UUID evidenceId, String action, String location, String details) {
        item(evidenceId);
        String a = action == null ? "" : action.strip().toLowerCase(java.util.Locale.ROOT);
        if (!CUSTODY_ACTIONS.contains(a)) {
            throw new IllegalArgumentException("action must be one of " + new java.util.TreeSet<>(CUSTODY_ACTIONS));
        }
        if (a.equals("transferred") && (location == null || location.isBlank())) {
            throw new IllegalArgumentException("a transfer needs the new location (who or where holds it now)");
        }
        CustodyEntry e = custody(evidenceId, a, clip(location, 500), clip(details, 4000), null);
        audit.record("evidence.custody", "evidence", evidenceId.toString(), null, e);
        EvidenceItem item = item(evidenceId);
        timeline.record(
                item.incidentId(),
                "evidence",
                "Custody: " + item.name() + " " + a + (e.location() == null ? "" : " (" + e.location() + ")"),
                e.details());
        return e;
    }

    private CustodyEntry custody(UUID evidenceId, String action, String location, String details, String hash) {
        return jdbc.sql("""
                        insert into evidence_custody (evidence_id, at, actor, action, location, details, sha256)
                        values (?, ?, ?, ?, ?, ?, ?) returning *""")
                .params(
                        evidenceId,
                        Timestamp.from(clock.instant()),
                        Actor.current().name(),
                        action,
                        location,
                        details,
                        hash)
                .query((rs, n) -> mapCustody(rs))
                .single();
    }

    @Override
    public List<CustodyEntry> custody(UUID evidenceId) {
        return jdbc.sql("select * from evidence_custody where evidence_id = ? order by seq")
                .param(evidenceId)
                .query((rs, n) -> mapCustody(rs))
                .list();
    }

    Path path(UUID evidenceId) {
        String rel = jdbc.sql("select storage_path from evidence_items where id = ?")
                .param(evidenceId)
                .query(String.class)
                .single();
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalStateException("evidence path outside the locker");
        }
        return p;
    }

    private Path dir(UUID incidentId) {
        Path d = root.resolve(incidentId.toString());
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    static String hashOrNull(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            return null;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(String name) {
        String n = name == null ? "" : name.strip();
        n = n.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replace('\0', '_');
        if (n.isBlank() || n.equals(".") || n.equals("..")) {
            throw new IllegalArgumentException("a file name is required");
        }
        return n.length() > 255 ? n.substring(0, 255) : n;
    }

    private static String contentType(String ct) {
        if (ct == null || ct.isBlank() || ct.length() > 200) {
            return "application/octet-stream";
        }
        return ct.strip();
    }

    private static String clip(String s, int max) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.strip();
        return v.length() > max ? v.substring(0, max) : v;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; the next upload uses another name
        }
    }

    static EvidenceItem map(ResultSet rs) throws SQLException {
        Timestamp checked = rs.getTimestamp("checked_at");
        return new EvidenceItem(
                rs.getObject("id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getString("kind"),
                rs.getString("name"),
                rs.getString("content_type"),
                rs.getLong("size_bytes"),
                rs.getString("sha256"),
                (Long) rs.getObject("event_id"),
                rs.getObject("alert_id", UUID.class),
                rs.getString("description"),
                rs.getString("integrity"),
                checked == null ? null : checked.toInstant(),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"));
    }

    private static CustodyEntry mapCustody(ResultSet rs) throws SQLException {
        return new CustodyEntry(
                rs.getLong("seq"),
                rs.getObject("evidence_id", UUID.class),
                rs.getTimestamp("at").toInstant(),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("location"),
                rs.getString("details"),
                rs.getString("sha256"));
    }

    /** Records integrity failures in a transaction of their own, so that the refusal that follows keeps them. */
    @Service
    static class IntegrityRecorder {
        private final JdbcClient jdbc;
        private final Clock clock;
        private final AuditLog audit;
        private final TimelineService timeline;

        IntegrityRecorder(JdbcClient jdbc, Clock clock, AuditLog audit, TimelineService timeline) {
            this.jdbc = jdbc;
            this.clock = clock;
            this.audit = audit;
            this.timeline = timeline;
        }

        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void failure(EvidenceItem item, String observed, Path file, String during) {
            Instant now = clock.instant();
            jdbc.sql("update evidence_items set integrity = ?, checked_at = ? where id = ?")
                    .params(observed == null ? "missing" : "mismatch", Timestamp.from(now), item.id())
                    .update();
            jdbc.sql("""
                            insert into evidence_custody (evidence_id, at, actor, action, location, details, sha256)
                            values (?, ?, ?, 'integrity-failure', ?, ?, ?)""")
                    .params(
                            item.id(),
                            Timestamp.from(now),
                            Actor.current().name(),
                            "locker:" + file.getFileName(),
                            during + ": expected sha256 " + item.sha256(),
                            observed)
                    .update();
            audit.record(
                    "evidence.integrity-failure",
                    "evidence",
                    item.id().toString(),
                    Map.of("sha256", item.sha256()),
                    Map.of("observed", observed == null ? "missing" : observed));
            timeline.record(
                    item.incidentId(),
                    "evidence",
                    "INTEGRITY FAILURE: " + item.name() + " no longer matches its recorded SHA-256 (" + during + ")",
                    observed);
        }
    }
}
