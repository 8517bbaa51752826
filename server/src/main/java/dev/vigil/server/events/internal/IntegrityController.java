package dev.vigil.server.events.internal;

import dev.vigil.server.events.IntegrityService;
import dev.vigil.server.events.Verification;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.Actor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Integrity verification (start: {@code governance_write}; results: {@code governance_read}, they are governance
 * evidence) and retention ({@code system_read} / {@code system_write}):
 *
 * <ul>
 *   <li>{@code POST /api/v1/events/verifications} ({@code from}, {@code to}: receive-time range, optional) starts a
 *       verification (202) or, with {@code ?wait=true}, answers when it is done (200); {@code GET .../verifications}
 *       lists recent ones, {@code GET .../verifications/{id}} shows one with its problems.
 *   <li>{@code GET /api/v1/events/retention}, {@code PUT|DELETE /api/v1/events/retention/{source}} (days), {@code
 *       POST /api/v1/events/retention/run} (remove expired partitions now).
 * </ul>
 */
@RestController
class IntegrityController {
    private final IntegrityService integrity;
    private final RetentionSettings retention;
    private final RetentionJob retentionJob;
    private final Clock clock;

    IntegrityController(
            IntegrityService integrity, RetentionSettings retention, RetentionJob retentionJob, Clock clock) {
        this.integrity = integrity;
        this.retention = retention;
        this.retentionJob = retentionJob;
        this.clock = clock;
    }

    record VerifyRequest(String from, String to, String trigger) {}

    record RetentionRequest(Integer days) {}

    @PostMapping("/api/v1/events/verifications")
    @RequirePermission(Permission.GOVERNANCE_WRITE)
    ResponseEntity<Verification> verify(
            @RequestBody(required = false) VerifyRequest r, @RequestParam(defaultValue = "false") boolean wait)
            throws InterruptedException {
        Instant now = clock.instant();
        VerifyRequest req = r == null ? new VerifyRequest(null, null, null) : r;
        String trigger = "cli".equals(req.trigger()) ? "cli" : "api";
        Verification v = integrity.start(
                TimeParam.parse("from", req.from(), now), TimeParam.parse("to", req.to(), now), trigger, caller());
        if (wait) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (!v.finished() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
                v = integrity.get(v.id()).orElseThrow();
            }
        }
        return ResponseEntity.status(v.finished() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .body(v);
    }

    @GetMapping("/api/v1/events/verifications")
    @RequirePermission(Permission.GOVERNANCE_READ)
    List<Verification> verifications(@RequestParam(defaultValue = "20") int limit) {
        return integrity.recent(limit);
    }

    @GetMapping("/api/v1/events/verifications/{id}")
    @RequirePermission(Permission.GOVERNANCE_READ)
    ResponseEntity<Verification> verification(@PathVariable UUID id) {
        return integrity
                .get(id)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping("/api/v1/events/retention")
    @RequirePermission(Permission.SYSTEM_READ)
    Map<String, Object> retention() {
        return Map.of("defaultDays", retention.defaultDays(), "sources", retention.overrides());
    }

    @PutMapping("/api/v1/events/retention/{source}")
    @RequirePermission(Permission.SYSTEM_WRITE)
    Map<String, Object> setRetention(@PathVariable String source, @RequestBody RetentionRequest r) {
        if (r == null || r.days() == null) {
            throw new IllegalArgumentException("days is required");
        }
        retention.set(source, r.days(), caller(), clock.instant());
        return Map.of("source", source, "days", r.days(), "note", "applies to events received from now on");
    }

    @DeleteMapping("/api/v1/events/retention/{source}")
    @RequirePermission(Permission.SYSTEM_WRITE)
    ResponseEntity<Void> removeRetention(@PathVariable String source) {
        return retention.remove(source)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @PostMapping("/api/v1/events/retention/run")
    @RequirePermission(Permission.SYSTEM_WRITE)
    Map<String, Object> runRetention() throws java.io.IOException {
        return Map.of("retired", retentionJob.run());
    }

    private static String caller() {
        return Actor.current().toString();
    }
}
