package dev.vigil.server.events.internal;

import dev.vigil.server.detection.RuleSelection;
import dev.vigil.server.events.RetroHunts;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.Actor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Retro-hunts. Reading hunts and their matches needs {@code events_read}; starting one needs {@code hunts_run} (a
 * hunt is a background job that occupies the hunt pool, so the read-only roles do not start them); cancelling needs
 * {@code hunts_run} and is allowed to the hunt's owner or an administrator ({@code system_write}), anyone else gets
 * 403 (hunts are listed to every reader, so their existence is no secret). Start and cancel are audited.
 *
 * <ul>
 *   <li>{@code POST /api/v1/hunts} with JSON {@code {"rule": "<ref>"}}, {@code {"rules": [...]}}, {@code {"active":
 *       true}} or {@code {"yaml": "<Sigma rule>"}}, plus {@code query}, {@code from}, {@code to}, {@code timeField};
 *       or a Sigma YAML body ({@code Content-Type: application/yaml}) with those as parameters. Answers 202 with the
 *       job; 400 when the rules do not compile or the query is invalid.
 *   <li>{@code GET /api/v1/hunts}, {@code GET /api/v1/hunts/{id}} (progress, matches per rule),
 *       {@code GET /api/v1/hunts/{id}/matches?rule=&after=&limit=}, {@code POST /api/v1/hunts/{id}/cancel}.
 * </ul>
 */
@RestController
@RequirePermission(Permission.EVENTS_READ)
class HuntController {
    private final RetroHunts hunts;
    private final Clock clock;

    HuntController(RetroHunts hunts, Clock clock) {
        this.hunts = hunts;
        this.clock = clock;
    }

    record HuntRequest(
            String rule,
            List<String> rules,
            Boolean active,
            String yaml,
            String query,
            String from,
            String to,
            String timeField) {}

    @PostMapping(path = "/api/v1/hunts", consumes = "application/json")
    @RequirePermission(Permission.HUNTS_RUN)
    ResponseEntity<RetroHunts.Job> start(@RequestBody HuntRequest r) {
        int chosen = (r.rule() != null ? 1 : 0)
                + (r.rules() != null ? 1 : 0)
                + (Boolean.TRUE.equals(r.active()) ? 1 : 0)
                + (r.yaml() != null ? 1 : 0);
        if (chosen != 1) {
            throw new IllegalArgumentException("name exactly one of rule, rules, active or yaml");
        }
        RuleSelection selection = r.rule() != null
                ? new RuleSelection.Stored(List.of(r.rule()))
                : r.rules() != null
                        ? new RuleSelection.Stored(r.rules())
                        : r.yaml() != null ? new RuleSelection.Uploaded(r.yaml()) : new RuleSelection.Active();
        return start(selection, r.query(), r.from(), r.to(), r.timeField());
    }

    @PostMapping(
            path = "/api/v1/hunts",
            consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @RequirePermission(Permission.HUNTS_RUN)
    ResponseEntity<RetroHunts.Job> startYaml(
            @RequestBody String yaml,
            @RequestParam(name = "q", required = false) String q,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String timeField) {
        return start(new RuleSelection.Uploaded(yaml), q, from, to, timeField);
    }

    private ResponseEntity<RetroHunts.Job> start(
            RuleSelection selection, String query, String from, String to, String timeField) {
        Instant now = clock.instant();
        RetroHunts.Job job = hunts.start(
                new RetroHunts.Request(
                        selection,
                        query,
                        TimeParam.parse("from", from, now),
                        TimeParam.parse("to", to, now),
                        EventController.timeField(timeField)),
                Actor.current().toString());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(job);
    }

    @GetMapping("/api/v1/hunts")
    List<RetroHunts.Job> list(@RequestParam(defaultValue = "20") int limit) {
        return hunts.recent(limit);
    }

    @GetMapping("/api/v1/hunts/{id}")
    ResponseEntity<RetroHunts.Job> get(@PathVariable UUID id) {
        return hunts.get(id)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping("/api/v1/hunts/{id}/matches")
    ResponseEntity<List<RetroHunts.Match>> matches(
            @PathVariable UUID id,
            @RequestParam(required = false) String rule,
            @RequestParam(defaultValue = "0") long after,
            @RequestParam(defaultValue = "100") int limit) {
        if (hunts.get(id).isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok(hunts.matches(id, rule, after, limit));
    }

    @PostMapping("/api/v1/hunts/{id}/cancel")
    @RequirePermission(Permission.HUNTS_RUN)
    ResponseEntity<RetroHunts.Job> cancel(@PathVariable UUID id) {
        hunts.cancel(id); // 404 when unknown, 403 unless the caller owns the hunt or is an administrator
        return ResponseEntity.ok(hunts.get(id).orElseThrow());
    }
}
