package dev.vigil.server.web.internal;

import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.events.EventEvidence;
import dev.vigil.server.events.EventPage;
import dev.vigil.server.events.EventQuery;
import dev.vigil.server.events.EventStore;
import dev.vigil.server.events.FieldStats;
import dev.vigil.server.events.StoredEvent;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /events}: search the stored events (Lucene query, time range, newest or oldest first, cursor paging), with
 * the counts per source and the alerts raised on each event; {@code /events/{id}}: one event with its raw record and
 * alerts. Export links go to the API. Everything from logs is rendered as text (th:text), never as markup.
 */
@Controller
@RequirePermission(Permission.EVENTS_READ)
class EventPages {
    private static final int SIZE = 50;
    private final EventStore store;
    private final AlertService alerts;
    private final Clock clock;
    private final EventEvidence evidence;

    EventPages(EventStore store, AlertService alerts, Clock clock, EventEvidence evidence) {
        this.store = store;
        this.alerts = alerts;
        this.clock = clock;
        this.evidence = evidence;
    }

    /** Keeps the event as evidence of an incident, then shows the incident's evidence. */
    @org.springframework.web.bind.annotation.PostMapping("/events/{id}/evidence")
    @RequirePermission(Permission.INCIDENTS_WRITE)
    String keepAsEvidence(
            @PathVariable long id,
            @org.springframework.web.bind.annotation.RequestParam String incident,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String description,
            org.springframework.web.servlet.mvc.support.RedirectAttributes flash) {
        dev.vigil.server.evidence.EvidenceItem item = evidence.attach(id, incident, description);
        flash.addFlashAttribute("notice", "Event " + id + " stored as evidence, SHA-256 " + item.sha256() + ".");
        return "redirect:/incidents/" + item.incidentId() + "#evidence";
    }

    /** A row of the result list. */
    record Row(StoredEvent event, String excerpt, List<UUID> alerts) {}

    @GetMapping("/events")
    String search(
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(required = false) String range,
            @RequestParam(required = false) String timeField,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String cursor,
            Model model) {
        String r = range == null || range.isBlank() ? "24h" : range.strip();
        model.addAttribute("q", q);
        model.addAttribute("range", r);
        model.addAttribute("timeField", "received".equals(timeField) ? "received" : "event");
        model.addAttribute("order", "oldest".equals(order) ? "oldest" : "newest");
        model.addAttribute("ranges", List.of("15m", "1h", "24h", "7d", "30d", "all"));
        try {
            Instant now = clock.instant();
            Instant from = r.equals("all") ? null : now.minus(duration(r));
            EventQuery query = new EventQuery(
                    q,
                    from,
                    null,
                    "received".equals(timeField) ? EventQuery.TimeField.RECEIVED : EventQuery.TimeField.EVENT,
                    "oldest".equals(order) ? EventQuery.Order.OLDEST_FIRST : EventQuery.Order.NEWEST_FIRST,
                    SIZE,
                    cursor);
            EventPage page = store.search(query);
            List<Long> ids = new ArrayList<>();
            page.events().forEach(e -> ids.add(e.id()));
            Map<Long, List<UUID>> byEvent = alerts.alertIdsByEvent(ids);
            List<Row> rows = new ArrayList<>();
            for (StoredEvent e : page.events()) {
                rows.add(new Row(e, excerpt(e), byEvent.getOrDefault(e.id(), List.of())));
            }
            FieldStats stats = store.stats(query, List.of(), 5, 1000);
            model.addAttribute("page", page);
            model.addAttribute("rows", rows);
            model.addAttribute("stats", stats);
            model.addAttribute("fromParam", from == null ? "" : from.toString());
        } catch (IllegalArgumentException e) {
            model.addAttribute("error", e.getMessage());
        }
        return "events";
    }

    @GetMapping("/events/{id}")
    String event(@PathVariable long id, Model model) {
        StoredEvent e = store.get(id).orElseThrow(() -> new NoSuchElementException("no stored event " + id));
        model.addAttribute("event", e);
        model.addAttribute("json", AlertPages.pretty(e.event()));
        model.addAttribute("alerts", alerts.alertIdsByEvent(List.of(id)).getOrDefault(id, List.of()));
        return "event";
    }

    static Duration duration(String r) {
        try {
            long n = Long.parseLong(r.substring(0, r.length() - 1));
            return switch (r.charAt(r.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("range: 15m, 1h, 24h, 7d, 30d or all");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException | DateTimeParseException e) {
            throw new IllegalArgumentException("range: 15m, 1h, 24h, 7d, 30d or all");
        }
    }

    private static String excerpt(StoredEvent e) {
        String s = e.raw() != null ? e.raw() : e.event();
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
