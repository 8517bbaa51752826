package dev.vigil.server.evidence.internal;

import dev.vigil.server.evidence.CustodyEntry;
import dev.vigil.server.evidence.EvidenceItem;
import dev.vigil.server.evidence.EvidenceLocker;
import dev.vigil.server.evidence.EvidenceTooLargeException;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Evidence routes: {@code /api/v1/incidents/{ref}/evidence} (list, upload as a raw body or a multipart {@code file}
 * part, attach an alert) and {@code /api/v1/evidence/{id}} (metadata, custody chain, verified download, verify,
 * custody entries). Listing and the custody chain need {@code incidents_read}; collecting, downloading and custody
 * changes need {@code incidents_write}.
 */
@RequirePermission(Permission.INCIDENTS_READ)
@RestController
class EvidenceController {
    private final EvidenceLocker locker;
    private final IncidentService incidents;

    EvidenceController(EvidenceLocker locker, IncidentService incidents) {
        this.locker = locker;
        this.incidents = incidents;
    }

    private UUID incident(String ref) {
        return incidents
                .find(ref)
                .map(Incident::id)
                .orElseThrow(() -> new NoSuchElementException("no incident " + ref));
    }

    /** The incident's items, oldest first ({@code sort=createdAt,desc}: newest), paged by {@code page} or {@code cursor}. */
    @GetMapping("/api/v1/incidents/{ref}/evidence")
    Page<EvidenceItem> list(
            @PathVariable String ref,
            @Paging(
                            defaultSize = 100,
                            maxSize = 500,
                            defaultSort = "createdAt,asc",
                            sortable = "createdAt",
                            cursor = true)
                    PageQuery page) {
        return locker.list(incident(ref), page);
    }

    /** Raw upload: the body is the file; {@code name} names it. */
    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping(value = "/api/v1/incidents/{ref}/evidence", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<EvidenceItem> upload(
            @PathVariable String ref,
            @RequestParam String name,
            @RequestParam(required = false) String description,
            HttpServletRequest request) {
        UUID id = incident(ref);
        try (InputStream in = request.getInputStream()) {
            return created(locker.upload(id, name, request.getHeader("X-Content-Type"), description, in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseEntity<EvidenceItem> created(EvidenceItem item) {
        return ResponseEntity.status(HttpStatus.CREATED).body(item);
    }

    record AttachAlert(UUID alertId, String description) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/api/v1/incidents/{ref}/evidence/alerts")
    ResponseEntity<EvidenceItem> attachAlert(@PathVariable String ref, @RequestBody AttachAlert a) {
        if (a.alertId() == null) {
            throw new IllegalArgumentException("alertId is required");
        }
        return created(locker.attachAlert(incident(ref), a.alertId(), a.description()));
    }

    @GetMapping("/api/v1/evidence/{id}")
    EvidenceItem get(@PathVariable UUID id) {
        return locker.get(id).orElseThrow(() -> new NoSuchElementException("no evidence " + id));
    }

    @GetMapping("/api/v1/evidence/{id}/custody")
    Page<CustodyEntry> custody(
            @PathVariable UUID id,
            @Paging(defaultSize = 100, maxSize = 500, defaultSort = "seq,asc", sortable = "seq", cursor = true)
                    PageQuery page) {
        get(id);
        return locker.custody(id, page);
    }

    /** The verified bytes; 409 when the integrity check fails. */
    @RequirePermission(Permission.INCIDENTS_WRITE)
    @GetMapping("/api/v1/evidence/{id}/content")
    ResponseEntity<InputStreamResource> content(@PathVariable UUID id, @RequestParam(required = false) String purpose) {
        EvidenceLocker.Download d = locker.open(id, purpose);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(d.item().size())
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(d.item().name())
                                .build()
                                .toString())
                .header("X-Content-SHA256", d.item().sha256())
                .header("X-Content-Type-Options", "nosniff")
                .body(new InputStreamResource(d.content()));
    }

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/api/v1/evidence/{id}/verify")
    EvidenceItem verify(@PathVariable UUID id) {
        return locker.verify(id);
    }

    record Custody(String action, String location, String details) {}

    @RequirePermission(Permission.INCIDENTS_WRITE)
    @PostMapping("/api/v1/evidence/{id}/custody")
    ResponseEntity<CustodyEntry> addCustody(@PathVariable UUID id, @RequestBody Custody c) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(locker.recordCustody(id, c.action(), c.location(), c.details()));
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(EvidenceTooLargeException.class)
    org.springframework.http.ProblemDetail tooLarge(EvidenceTooLargeException e) {
        return org.springframework.http.ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
    }
}
