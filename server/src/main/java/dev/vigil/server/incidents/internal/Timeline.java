package dev.vigil.server.incidents.internal;

import dev.vigil.server.incidents.NewTimelineEntry;
import dev.vigil.server.incidents.TimelineEntry;
import dev.vigil.server.incidents.TimelineService;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The war-room timeline ({@code incident_timeline}). Automatic entries are written by the incident services in the
 * transaction of the change they describe; manual ones (note, decision, communication, action) by people, audited.
 * CSV follows RFC 4180 through Apache Commons CSV; exported cells that start like a spreadsheet formula
 * ({@code = + - @}, tab, CR) are prefixed with an apostrophe (OWASP "CSV injection").
 */
@Service
class Timeline implements TimelineService {
    static final String[] HEADER = {"at", "kind", "automatic", "actor", "summary", "details", "audience", "channel"};
    static final Set<String> AUTOMATIC_KINDS = Set.of(
            "created",
            "alert",
            "status",
            "phase",
            "change",
            "task",
            "playbook",
            "obligation",
            "deadline",
            "submission",
            "page",
            "evidence",
            "rca",
            "merge",
            "split",
            "link",
            "observable",
            "participant",
            "notification");
    private static final int MAX_SUMMARY = 2000;
    private static final int MAX_DETAILS = 20000;
    private static final int MAX_IMPORT_ROWS = 10000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;

    Timeline(JdbcClient jdbc, Clock clock, AuditLog audit) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
    }

    /** Writes an automatic entry (no audit: the change it describes is audited). */
    TimelineEntry auto(UUID incidentId, String kind, String summary, String details) {
        return auto(incidentId, clock.instant(), kind, summary, details);
    }

    TimelineEntry auto(UUID incidentId, Instant at, String kind, String summary, String details) {
        return insert(incidentId, at, kind, true, summary, details, actorName(), null, null);
    }

    @Override
    @Transactional
    public TimelineEntry record(UUID incidentId, String kind, String summary, String details) {
        requireIncident(incidentId);
        if (!AUTOMATIC_KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown automatic timeline kind '" + kind + "'");
        }
        return auto(incidentId, kind, summary, details);
    }

    @Override
    @Transactional
    public TimelineEntry add(UUID incidentId, NewTimelineEntry e) {
        requireIncident(incidentId);
        TimelineEntry entry = validated(incidentId, e);
        TimelineEntry stored = insert(
                incidentId,
                entry.at(),
                entry.kind(),
                false,
                entry.summary(),
                entry.details(),
                actorName(),
                entry.audience(),
                entry.channel());
        audit.record("incident.timeline.add", "incident", incidentId.toString(), null, stored);
        return stored;
    }

    private TimelineEntry validated(UUID incidentId, NewTimelineEntry e) {
        String kind = e.kind() == null ? "note" : e.kind().strip().toLowerCase(Locale.ROOT);
        if (!TimelineEntry.MANUAL_KINDS.contains(kind)) {
            throw new IllegalArgumentException(
                    "kind must be one of note, decision, communication, action (got '" + e.kind() + "')");
        }
        String summary = Texts.required(e.summary(), "summary", MAX_SUMMARY);
        String details = Texts.optional(e.details(), "details", MAX_DETAILS);
        Instant now = clock.instant();
        Instant at = e.at() == null ? now : e.at();
        if (at.isAfter(now.plusSeconds(300))) {
            throw new IllegalArgumentException("a timeline entry cannot be in the future (" + at + ")");
        }
        String audience = Texts.optional(e.audience(), "audience", 500);
        String channel = Texts.optional(e.channel(), "channel", 100);
        if (kind.equals("communication") && audience == null) {
            throw new IllegalArgumentException("a communication needs its audience (who was told)");
        }
        return new TimelineEntry(null, incidentId, 0, at, kind, false, summary, details, null, audience, channel, now);
    }

    private TimelineEntry insert(
            UUID incidentId,
            Instant at,
            String kind,
            boolean automatic,
            String summary,
            String details,
            String actor,
            String audience,
            String channel) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into incident_timeline (id, incident_id, at, kind, automatic, summary, details, actor,
                            audience, channel, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        incidentId,
                        Timestamp.from(at),
                        kind,
                        automatic,
                        Texts.clip(summary, MAX_SUMMARY),
                        Texts.clip(details, MAX_DETAILS),
                        actor,
                        audience,
                        channel,
                        Timestamp.from(now))
                .update();
        return jdbc.sql("select * from incident_timeline where id = ?")
                .param(id)
                .query((rs, n) -> map(rs))
                .single();
    }

    /**
     * The timeline's order: when it happened, then the write sequence (unique); served by
     * {@code incident_timeline_incident_idx (incident_id, at, seq)}.
     */
    static final Keyset ORDER = new Keyset("incident-timeline", "at", Keyset.Kind.TIMESTAMP, "seq", Keyset.Kind.LONG);

    @Override
    public Page<TimelineEntry> page(UUID incidentId, PageQuery page) {
        return ORDER.page(
                jdbc,
                new SqlFilter().and("incident_id = ?", incidentId),
                "incident_timeline",
                "select * from incident_timeline",
                page,
                page.descendingBy("at"),
                (rs, n) -> map(rs),
                TimelineEntry::at,
                TimelineEntry::seq);
    }

    @Override
    public List<TimelineEntry> list(UUID incidentId) {
        return jdbc.sql("select * from incident_timeline where incident_id = ? order by at, seq")
                .param(incidentId)
                .query((rs, n) -> map(rs))
                .list();
    }

    @Override
    public void exportCsv(UUID incidentId, Writer out) {
        requireIncident(incidentId);
        try (CSVPrinter csv = new CSVPrinter(
                out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (TimelineEntry e : list(incidentId)) {
                csv.printRecord(
                        e.at().toString(),
                        e.kind(),
                        e.automatic(),
                        cell(e.actor()),
                        cell(e.summary()),
                        cell(e.details()),
                        cell(e.audience()),
                        cell(e.channel()));
            }
            csv.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        audit.record("incident.timeline.export", "incident", incidentId.toString(), null, Map.of("format", "csv"));
    }

    /** Defuses spreadsheet formulas in exported text. */
    static String cell(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }

    @Override
    @Transactional
    public ImportResult importCsv(UUID incidentId, Reader in) {
        requireIncident(incidentId);
        List<String> errors = new ArrayList<>();
        List<TimelineEntry> rows = new ArrayList<>();
        int skipped = 0;
        try {
            Iterable<CSVRecord> records = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .setIgnoreSurroundingSpaces(true)
                    .get()
                    .parse(in);
            for (CSVRecord r : records) {
                if (rows.size() + errors.size() >= MAX_IMPORT_ROWS) {
                    errors.add("more than " + MAX_IMPORT_ROWS + " rows: split the file");
                    break;
                }
                long line = r.getRecordNumber() + 1;
                if ("true".equalsIgnoreCase(get(r, "automatic"))) {
                    skipped++;
                    continue;
                }
                try {
                    String at = get(r, "at");
                    String kind = get(r, "kind");
                    if (at == null) {
                        throw new IllegalArgumentException("'at' is required");
                    }
                    rows.add(validated(
                            incidentId,
                            new NewTimelineEntry(
                                    kind,
                                    parseTime(at),
                                    uncell(get(r, "summary")),
                                    uncell(get(r, "details")),
                                    uncell(get(r, "audience")),
                                    uncell(get(r, "channel")))));
                } catch (IllegalArgumentException e) {
                    errors.add("line " + line + ": " + e.getMessage());
                }
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
            errors.add("not valid CSV: " + e.getMessage());
        }
        if (!errors.isEmpty()) {
            return new ImportResult(0, skipped, errors);
        }
        for (TimelineEntry e : rows) {
            insert(
                    incidentId,
                    e.at(),
                    e.kind(),
                    false,
                    e.summary(),
                    e.details(),
                    actorName(),
                    e.audience(),
                    e.channel());
        }
        audit.record(
                "incident.timeline.import", "incident", incidentId.toString(), null, Map.of("entries", rows.size()));
        return new ImportResult(rows.size(), skipped, List.of());
    }

    private static String get(CSVRecord r, String column) {
        if (!r.isMapped(column)) {
            if (column.equals("at") || column.equals("summary")) {
                throw new IllegalArgumentException("the header has no '" + column + "' column");
            }
            return null;
        }
        if (!r.isSet(column)) {
            return null;
        }
        String v = r.get(column);
        return v == null || v.isBlank() ? null : v;
    }

    /** Undoes the export's formula defusing. */
    private static String uncell(String s) {
        if (s != null && s.length() > 1 && s.charAt(0) == '\'' && "=+-@\t\r".indexOf(s.charAt(1)) >= 0) {
            return s.substring(1);
        }
        return s;
    }

    private static Instant parseTime(String s) {
        try {
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'at' must be an ISO-8601 time with offset, e.g. 2026-03-01T10:15:00Z (got '" + s + "')");
        }
    }

    private void requireIncident(UUID incidentId) {
        Boolean exists = jdbc.sql("select exists (select 1 from incidents where id = ?)")
                .param(incidentId)
                .query(Boolean.class)
                .single();
        if (!exists) {
            throw new NoSuchElementException("no incident " + incidentId);
        }
    }

    static String actorName() {
        return Actor.current().name();
    }

    private static TimelineEntry map(ResultSet rs) throws SQLException {
        return new TimelineEntry(
                rs.getObject("id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getLong("seq"),
                IncidentRepository.instant(rs, "at"),
                rs.getString("kind"),
                rs.getBoolean("automatic"),
                rs.getString("summary"),
                rs.getString("details"),
                rs.getString("actor"),
                rs.getString("audience"),
                rs.getString("channel"),
                IncidentRepository.instant(rs, "created_at"));
    }
}
