package dev.vigil.server.ingest.internal;

import com.google.protobuf.CodedOutputStream;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiScope;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/logs}: OTLP/HTTP logs, {@code application/x-protobuf} or {@code application/json}, optionally gzip.
 * Answers as the OTLP specification says: 200 with an {@code ExportLogsServiceResponse} in the request's encoding
 * ({@code partial_success} with the rejected count and the first reason when records were refused); 400 with a
 * {@code google.rpc.Status} for a body that is not a valid export (not retryable); 429 with {@code Retry-After} when
 * the pipeline is full (retryable); 415 for other content types.
 */
@RequirePermission(Permission.INGEST)
@RestController
class OtlpController {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int INVALID_ARGUMENT = 3;
    private static final int RESOURCE_EXHAUSTED = 8;
    /** google.rpc.Code UNAVAILABLE: the OTLP spec's retryable code for a 503. */
    private static final int UNAVAILABLE = 14;

    private final IntakeService intake;
    private final IngestProperties properties;

    OtlpController(IntakeService intake, IngestProperties properties) {
        this.intake = intake;
        this.properties = properties;
    }

    @PostMapping("/v1/logs")
    ResponseEntity<byte[]> export(HttpServletRequest request) throws IOException {
        String type =
                request.getContentType() == null ? "" : request.getContentType().toLowerCase(java.util.Locale.ROOT);
        boolean json;
        if (type.startsWith("application/x-protobuf") || type.startsWith("application/protobuf")) {
            json = false;
        } else if (type.startsWith("application/json")) {
            json = true;
        } else {
            return status(
                    false,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    INVALID_ARGUMENT,
                    "unsupported Content-Type '" + type + "' (application/x-protobuf or application/json)");
        }
        ApiPrincipal principal = ApiPrincipal.current().orElseThrow();
        String bound = principal.scope() == ApiScope.INGEST ? principal.subject() : null;
        boolean gzip;
        try {
            gzip = Bodies.gzip(request.getHeader(HttpHeaders.CONTENT_ENCODING));
        } catch (Bodies.UnsupportedEncoding e) {
            return status(json, HttpStatus.UNSUPPORTED_MEDIA_TYPE, INVALID_ARGUMENT, e.getMessage());
        }
        IntakeService.OtlpResult r =
                intake.ingestOtlp(request.getInputStream(), gzip, request.getContentLengthLong(), json, bound);
        return switch (r.status()) {
            case ACCEPTED -> {
                if (json) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    if (r.rejected() > 0) {
                        out.put(
                                "partialSuccess",
                                Map.of("rejectedLogRecords", Long.toString(r.rejected()), "errorMessage", r.message()));
                    }
                    yield ResponseEntity.ok()
                            .header(HttpHeaders.CONTENT_TYPE, "application/json")
                            .body(JSON.writeValueAsBytes(out));
                }
                ExportLogsServiceResponse.Builder resp = ExportLogsServiceResponse.newBuilder();
                if (r.rejected() > 0) {
                    resp.setPartialSuccess(ExportLogsPartialSuccess.newBuilder()
                            .setRejectedLogRecords(r.rejected())
                            .setErrorMessage(r.message()));
                }
                yield ResponseEntity.ok()
                        .header(HttpHeaders.CONTENT_TYPE, "application/x-protobuf")
                        .body(resp.build().toByteArray());
            }
            case BUSY -> {
                ResponseEntity<byte[]> e = status(json, HttpStatus.TOO_MANY_REQUESTS, RESOURCE_EXHAUSTED, r.message());
                yield ResponseEntity.status(e.getStatusCode())
                        .headers(e.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, Integer.toString(properties.retryAfterSeconds()))
                        .body(e.getBody());
            }
            case UNAVAILABLE -> {
                ResponseEntity<byte[]> e = status(json, HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, r.message());
                yield ResponseEntity.status(e.getStatusCode())
                        .headers(e.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, Integer.toString(properties.retryAfterSeconds()))
                        .body(e.getBody());
            }
            case TOO_LARGE -> status(json, HttpStatus.CONTENT_TOO_LARGE, INVALID_ARGUMENT, r.message());
            case BAD_BODY -> status(json, HttpStatus.BAD_REQUEST, INVALID_ARGUMENT, r.message());
        };
    }

    /** A {@code google.rpc.Status} (code = 1, message = 2) in the request's encoding. */
    private static ResponseEntity<byte[]> status(boolean json, HttpStatus http, int code, String message) {
        if (json) {
            return ResponseEntity.status(http)
                    .header(HttpHeaders.CONTENT_TYPE, "application/json")
                    .body(JSON.writeValueAsBytes(Map.of("code", code, "message", message)));
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
            return ResponseEntity.status(http)
                    .header(HttpHeaders.CONTENT_TYPE, "application/x-protobuf")
                    .body(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
