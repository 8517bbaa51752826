package dev.vigil.server.events.internal;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventLogsource;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.events.EventEvidence;
import dev.vigil.server.events.EventPage;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.FieldStats;
import dev.vigil.server.events.StoreStatus;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event search API (permission {@code events_read}: analysts, responders, auditors, admins):
 *
 * <ul>
 *   <li>{@code GET|POST /api/v1/events/search}: a page of events matching a Lucene query in a time range, with the
 *       ids of the alerts raised on each; {@code nextCursor} pages on.
 *   <li>{@code GET /api/v1/events/{id}}, {@code POST /api/v1/events/by-ids}: events by store id (alerts and incident
 *       evidence refer to them).
 *   <li>{@code GET|POST /api/v1/events/stats}: counts per source and application, top values per field.
 *   <li>{@code GET /api/v1/events/export}: every match, streamed as NDJSON (exact) or CSV.
 *   <li>{@code GET /api/v1/events/status}: partitions, watermarks, chain head, write-ahead log.
 *   <li>{@code POST /api/v1/events/{id}/evidence} {@code {"incident": "INC-...", "description": ...}} (permission
 *       {@code incidents_write}): keeps the event as evidence of the incident (201, the evidence item).
 * </ul>
 */
@RestController
@RequirePermission(Permission.EVENTS_READ)
class EventController {
    private static final int MAX_IDS = 10_000;

    private final EventStore store;
    private final AlertService alerts;
    private final Clock clock;
    private final JsonMapper json;
    private final EventEvidence evidence;

    EventController(EventStore store, AlertService alerts, Clock clock, JsonMapper json, EventEvidence evidence) {
        this.store = store;
        this.alerts = alerts;
        this.clock = clock;
        this.json = json;
        this.evidence = evidence;
    }

    record EvidenceRequest(String incident, String description) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/api/v1/events/{id}/evidence")
    ResponseEntity<EvidenceItem> keepAsEvidence(@PathVariable long id, @RequestBody EvidenceRequest r) {
        return ResponseEntity.status(org.springframework.http.HttpStatus.CREATED)
                .body(evidence.attach(id, r.incident(), r.description()));
    }

    /** A search as parameters or JSON body. Times: see {@link TimeParam}. */
    record SearchRequest(
            String query,
            String from,
            String to,
            String timeField,
            String order,
            Integer size,
            String cursor,
            Boolean alerts,
            List<String> fields,
            Integer top,
            Integer sample) {}

    /** An event in an answer, with the alerts raised on it. */
    record EventView(
            long id,
            Instant time,
            Instant receivedAt,
            String source,
            String application,
            EventLogsource logsource,
            String raw,
            @JsonRawValue String event,
            List<UUID> alerts) {}

    record SearchResponse(long total, List<EventView> events, String nextCursor, long tookMillis, boolean timedOut) {}

    record IdsRequest(List<Long> ids) {}

    @GetMapping("/api/v1/events/search")
    SearchResponse searchGet(
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String timeField,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) Integer size,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Boolean alerts) {
        return search(new SearchRequest(q, from, to, timeField, order, size, cursor, alerts, null, null, null));
    }

    @PostMapping("/api/v1/events/search")
    SearchResponse searchPost(@RequestBody SearchRequest r) {
        return search(r);
    }

    private SearchResponse search(SearchRequest r) {
        EventPage page = store.search(query(r));
        return new SearchResponse(
                page.total(),
                views(page.events(), r.alerts() == null || r.alerts()),
                page.nextCursor(),
                page.tookMillis(),
                page.timedOut());
    }

    EventQuery query(SearchRequest r) {
        Instant now = clock.instant();
        return new EventQuery(
                r.query(),
                TimeParam.parse("from", r.from(), now),
                TimeParam.parse("to", r.to(), now),
                timeField(r.timeField()),
                order(r.order()),
                r.size() == null ? 100 : r.size(),
                r.cursor());
    }

    static EventQuery.TimeField timeField(String s) {
        if (s == null || s.isBlank()) {
            return EventQuery.TimeField.EVENT;
        }
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "event", "time", "event-time" -> EventQuery.TimeField.EVENT;
            case "received", "receivedat", "received-at" -> EventQuery.TimeField.RECEIVED;
            default -> throw new IllegalArgumentException("timeField must be event or received");
        };
    }

    static EventQuery.Order order(String s) {
        if (s == null || s.isBlank()) {
            return EventQuery.Order.NEWEST_FIRST;
        }
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "newest", "desc", "newest-first" -> EventQuery.Order.NEWEST_FIRST;
            case "oldest", "asc", "oldest-first" -> EventQuery.Order.OLDEST_FIRST;
            default -> throw new IllegalArgumentException("order must be newest or oldest");
        };
    }

    private List<EventView> views(List<StoredEvent> events, boolean withAlerts) {
        Map<Long, List<UUID>> byEvent = Map.of();
        if (withAlerts && !events.isEmpty()) {
            List<Long> ids = new ArrayList<>(events.size());
            for (StoredEvent e : events) {
                ids.add(e.id());
            }
            byEvent = alerts.alertIdsByEvent(ids);
        }
        List<EventView> out = new ArrayList<>(events.size());
        for (StoredEvent e : events) {
            out.add(new EventView(
                    e.id(),
                    e.time(),
                    e.receivedAt(),
                    e.source(),
                    e.application(),
                    e.logsource(),
                    e.raw(),
                    e.event(),
                    byEvent.getOrDefault(e.id(), List.of())));
        }
        return out;
    }

    @GetMapping("/api/v1/events/{id}")
    ResponseEntity<EventView> get(@PathVariable long id) {
        return store.get(id)
                .map(e -> ResponseEntity.ok(views(List.of(e), true).get(0)))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @PostMapping("/api/v1/events/by-ids")
    List<EventView> byIds(@RequestBody IdsRequest r) {
        if (r.ids() == null || r.ids().isEmpty()) {
            return List.of();
        }
        if (r.ids().size() > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " ids per request");
        }
        if (r.ids().contains(null)) {
            throw new IllegalArgumentException("ids must be event ids (numbers), not null");
        }
        return views(store.get(r.ids()), true);
    }

    @GetMapping("/api/v1/events/stats")
    FieldStats statsGet(
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String timeField,
            @RequestParam(required = false) List<String> fields,
            @RequestParam(required = false) Integer top,
            @RequestParam(required = false) Integer sample) {
        return stats(new SearchRequest(q, from, to, timeField, null, null, null, null, fields, top, sample));
    }

    @PostMapping("/api/v1/events/stats")
    FieldStats statsPost(@RequestBody SearchRequest r) {
        return stats(r);
    }

    private FieldStats stats(SearchRequest r) {
        return store.stats(
                query(r),
                r.fields() == null ? List.of() : r.fields(),
                r.top() == null ? 10 : r.top(),
                r.sample() == null ? 10_000 : r.sample());
    }

    @GetMapping("/api/v1/events/status")
    StoreStatus status() {
        return store.status();
    }

    /**
     * Every match, streamed in the query's order: NDJSON (one stored event per line, exactly as stored) or CSV
     * (id, time, receivedAt, source, application, raw, then the requested fields; multi-valued fields joined with
     * {@code " | "}). CSV cells that a spreadsheet would run as a formula are prefixed with {@code '} unless
     * {@code csvFormulas=true}.
     */
    @GetMapping("/api/v1/events/export")
    void export(
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String timeField,
            @RequestParam(required = false) String order,
            @RequestParam(defaultValue = "ndjson") String format,
            @RequestParam(required = false) List<String> fields,
            @RequestParam(required = false) Long limit,
            @RequestParam(defaultValue = "false") boolean csvFormulas,
            HttpServletResponse response)
            throws IOException {
        EventQuery query =
                query(new SearchRequest(q, from, to, timeField, order, 1000, null, false, fields, null, null));
        store.count(query.withSize(1)); // validates the query before the 200 is committed
        long max = limit == null || limit <= 0 ? Long.MAX_VALUE : limit;
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "ndjson", "json" -> false;
            case "csv" -> true;
            default -> throw new IllegalArgumentException("format must be ndjson or csv");
        };
        List<String> columns = fields == null ? List.of() : fields;
        // written on the request thread (not an async StreamingResponseBody): the API token filter authorises the
        // request dispatch only
        String ext = csv ? "csv" : "ndjson";
        response.setStatus(200);
        response.setContentType(csv ? "text/csv;charset=UTF-8" : "application/x-ndjson");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"vigil-events." + ext + "\"");
        {
            Writer w = new BufferedWriter(
                    new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
            long[] written = {0};
            if (csv) {
                List<String> header =
                        new ArrayList<>(List.of("id", "time", "receivedAt", "source", "application", "raw"));
                header.addAll(columns);
                Csv.row(w, header, csvFormulas);
            }
            try {
                store.scan(query, 1000, page -> {
                    try {
                        for (StoredEvent e : page) {
                            if (written[0] >= max) {
                                return false;
                            }
                            if (csv) {
                                Csv.row(w, csvRow(e, columns), csvFormulas);
                            } else {
                                ndjson(w, e);
                            }
                            written[0]++;
                        }
                        return written[0] < max;
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            } catch (UncheckedIOException ex) {
                throw ex.getCause();
            }
            w.flush();
        }
    }

    private void ndjson(Writer w, StoredEvent e) throws IOException {
        try (JsonGenerator g = json.createGenerator(new NonClosing(w))) {
            g.writeStartObject();
            g.writeNumberProperty("id", e.id());
            if (e.time() != null) {
                g.writeStringProperty("time", e.time().toString());
            }
            g.writeStringProperty("receivedAt", e.receivedAt().toString());
            g.writeStringProperty("source", e.source());
            if (e.application() != null) {
                g.writeStringProperty("application", e.application());
            }
            if (e.raw() != null) {
                g.writeStringProperty("raw", e.raw());
            }
            g.writeName("event");
            g.writeRawValue(e.event());
            g.writeEndObject();
        }
        w.write('\n');
    }

    private static List<String> csvRow(StoredEvent e, List<String> columns) {
        List<String> row = new ArrayList<>(6 + columns.size());
        row.add(Long.toString(e.id()));
        row.add(e.time() == null ? "" : e.time().toString());
        row.add(e.receivedAt().toString());
        row.add(e.source());
        row.add(e.application() == null ? "" : e.application());
        row.add(e.raw() == null ? "" : e.raw());
        if (!columns.isEmpty()) {
            Event ev = Event.parseJson(e.event());
            for (String c : columns) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < ev.size(); i++) {
                    if (ev.name(i).equals(c)) {
                        String t = ev.text(i);
                        values.add(t == null ? "null" : t);
                    }
                }
                row.add(String.join(" | ", values));
            }
        }
        return row;
    }

    /** A writer that the JSON generator may close without closing the response. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer w) {
            super(w);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** RFC 4180 rows (hand-written: no CSV library resolves in this build; the format is four rules). */
    static final class Csv {
        private Csv() {}

        static void row(Writer w, List<String> cells, boolean formulas) throws IOException {
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    w.write(',');
                }
                cell(w, cells.get(i), formulas);
            }
            w.write("\r\n");
        }

        static void cell(Writer w, String v, boolean formulas) throws IOException {
            String s = v == null ? "" : v;
            if (!formulas && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
                s = "'" + s; // OWASP CSV injection: a spreadsheet must not run log text as a formula
            }
            boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
            if (!quote) {
                w.write(s);
                return;
            }
            w.write('"');
            w.write(s.replace("\"", "\"\""));
            w.write('"');
        }
    }

    static List<String> split(String csv) {
        return csv == null || csv.isBlank() ? List.of() : Arrays.asList(csv.split(","));
    }
}
