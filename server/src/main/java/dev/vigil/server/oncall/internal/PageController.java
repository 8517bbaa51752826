package dev.vigil.server.oncall.internal;

import dev.vigil.server.oncall.Page;
import dev.vigil.server.oncall.PageHistory;
import dev.vigil.server.oncall.PageRequest;
import dev.vigil.server.oncall.PageStatus;
import dev.vigil.server.oncall.PagingService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.audit.Actor;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/oncall/pages}: start a page by hand, list pages (or those of one subject), a page's history (log and
 * deliveries with every attempt), acknowledge, un-acknowledge and resolve. The actor is the calling token's name.
 */
@RequirePermission(Permission.ONCALL_READ)
@RestController
@RequestMapping("/api/v1/oncall/pages")
class PageController {
    private final PagingService paging;

    PageController(PagingService paging) {
        this.paging = paging;
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ProblemDetail> notFound(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
    }

    @GetMapping
    List<Page> list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String subjectType,
            @RequestParam(required = false) String subjectId,
            @RequestParam(defaultValue = "50") int limit) {
        if (subjectType != null && subjectId != null) {
            return paging.pagesFor(subjectType, subjectId);
        }
        PageStatus s;
        try {
            s = status == null ? null : PageStatus.parse(status);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be triggered, acknowledged or resolved");
        }
        return paging.recent(s, limit);
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping
    ResponseEntity<Map<String, Object>> start(@RequestBody PageRequest request) {
        UUID id = paging.startPaging(request);
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id));
    }

    @GetMapping("/{id}")
    ResponseEntity<PageHistory> get(@PathVariable UUID id) {
        return ResponseEntity.of(paging.history(id));
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/{id}/acknowledge")
    Page acknowledge(@PathVariable UUID id) {
        return paging.acknowledge(id, actor());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/{id}/unacknowledge")
    Page unacknowledge(@PathVariable UUID id) {
        return paging.unacknowledge(id, actor());
    }

    @RequirePermission(Permission.ONCALL_WRITE)
    @PostMapping("/{id}/resolve")
    Page resolve(@PathVariable UUID id) {
        return paging.resolve(id, actor());
    }

    private static String actor() {
        return Actor.currentIfAny().map(Actor::name).orElse("api");
    }
}
