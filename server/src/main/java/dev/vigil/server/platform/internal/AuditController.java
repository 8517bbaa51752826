package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.platform.audit.AuditEntry;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.audit.AuditQuery;
import dev.vigil.server.platform.audit.ChainVerification;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/audit} (audit_read: auditors and admins): browse the audit log with filters, export it as CSV or
 * NDJSON (streamed, oldest first, with the chain hashes so an export can be checked later), and verify the chain now.
 */
@RestController
@RequestMapping("/api/v1/audit")
@RequirePermission(Permission.AUDIT_READ)
class AuditController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    Page<AuditEntry> list(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String objectType,
            @RequestParam(required = false) String objectId,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @Paging(
                            defaultSort = "seq,desc",
                            sortable = {"seq", "occurredAt"})
                    PageQuery page) {
        return audit.find(query(actor, action, objectType, objectId, q, from, to), page);
    }

    static AuditQuery query(
            String actor, String action, String objectType, String objectId, String q, Instant from, Instant to) {
        return new AuditQuery(blank(actor), blank(action), blank(objectType), blank(objectId), blank(q), from, to);
    }

    @GetMapping("/export")
    void export(
            @RequestParam(defaultValue = "ndjson") String format,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String objectType,
            @RequestParam(required = false) String objectId,
            @RequestParam(required = false) String q,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            HttpServletResponse response)
            throws IOException {
        boolean csv = switch (format) {
            case "csv" -> true;
            case "ndjson" -> false;
            default -> throw new IllegalArgumentException("format must be csv or ndjson");
        };
        AuditQuery query = query(actor, action, objectType, objectId, q, from, to);
        response.setContentType(csv ? "text/csv;charset=UTF-8" : "application/x-ndjson;charset=UTF-8");
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"vigil-audit." + (csv ? "csv" : "ndjson") + "\"");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Writer out = response.getWriter();
        if (csv) {
            out.write(AuditCsv.HEADER);
        }
        audit.forEach(query, e -> {
            try {
                out.write(csv ? AuditCsv.line(e) : JSON.writeValueAsString(e) + "\n");
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        out.flush();
    }

    @GetMapping("/verification")
    ChainVerification lastVerification() {
        ChainVerification v = audit.lastVerification();
        return v != null ? v : audit.verify();
    }

    @PostMapping("/verify")
    ChainVerification verify() {
        return audit.verify();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
