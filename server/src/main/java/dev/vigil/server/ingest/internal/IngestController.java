package dev.vigil.server.ingest.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.security.ApiPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/ingest/{source}}: one record per line (NDJSON for {@code json} sources; plain lines for
 * {@code logfmt}, {@code cef}, ... sources), optionally gzip ({@code Content-Encoding: gzip}). Answers when the batch
 * is durable in the event store: 200 with counts and the rejected lines (number and reason); 429 with
 * {@code Retry-After} when the pipeline is full (nothing was taken: resend the request); 503 with {@code Retry-After}
 * when the event store could not make the batch durable (nothing was acknowledged: resend); 400 for a broken gzip body;
 * 413 for a body over the size cap; 403 for an ingest token bound to another source.
 */
@RequirePermission(Permission.INGEST)
@RestController
class IngestController {
    private final IntakeService intake;
    private final IngestProperties properties;

    IngestController(IntakeService intake, IngestProperties properties) {
        this.intake = intake;
        this.properties = properties;
    }

    @PostMapping("/api/v1/ingest/{source}")
    ResponseEntity<?> ingest(@PathVariable String source, HttpServletRequest request) throws IOException {
        ApiPrincipal principal = ApiPrincipal.current().orElseThrow();
        if (!principal.mayIngestInto(source)) {
            return problem(HttpStatus.FORBIDDEN, "this ingest token is bound to source '" + principal.subject() + "'");
        }
        boolean gzip;
        try {
            gzip = Bodies.gzip(request.getHeader(HttpHeaders.CONTENT_ENCODING));
        } catch (Bodies.UnsupportedEncoding e) {
            return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
        }
        IntakeService.LinesResult r =
                intake.ingestLines(source, request.getInputStream(), gzip, request.getContentLengthLong());
        return switch (r.status()) {
            case ACCEPTED -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("source", r.source());
                body.put("accepted", r.accepted());
                body.put("rejected", r.rejected());
                body.put("errors", r.errors());
                if (r.rejected() > r.errors().size()) {
                    body.put("errorsTruncated", true);
                }
                if (r.message() != null) {
                    body.put("note", r.message());
                }
                yield ResponseEntity.ok(body);
            }
            case BUSY -> busy(r.message(), properties.retryAfterSeconds());
            case UNAVAILABLE -> unavailable(r.message(), properties.retryAfterSeconds());
            case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, r.message());
            case BAD_BODY -> problem(HttpStatus.BAD_REQUEST, r.message());
        };
    }

    static ResponseEntity<ProblemDetail> busy(String message, int retryAfter) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter))
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, message));
    }

    static ResponseEntity<ProblemDetail> unavailable(String message, int retryAfter) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter))
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, message));
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
    }
}
