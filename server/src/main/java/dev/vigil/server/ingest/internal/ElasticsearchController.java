package dev.vigil.server.ingest.internal;

import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.security.ApiPrincipal;
import dev.vigil.server.security.ApiScope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Elasticsearch-compatible surface shippers need: {@code POST|PUT /_bulk} and {@code /{index}/_bulk} with
 * per-item results, the root info ({@code GET /}, {@code HEAD /}) reporting a version the official clients accept, and
 * the probes Beats, Logstash, Fluent Bit and Vector make before shipping — license and X-Pack info (basic license,
 * ILM reported unavailable so shippers do not try to manage indices), index templates, ILM policies, ingest
 * pipelines and data streams (reads answer "exists", writes are acknowledged and ignored: Vigil owns its storage).
 * Every answer carries {@code X-Elastic-Product: Elasticsearch}, which the official clients require; when a client
 * asks for {@code application/vnd.elasticsearch+json; compatible-with=N} it gets that media type back.
 */
@RequirePermission(Permission.INGEST)
@RestController
class ElasticsearchController {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String CLUSTER_UUID =
            UUID.nameUUIDFromBytes("vigil".getBytes(StandardCharsets.UTF_8)).toString();

    private final IntakeService intake;
    private final IngestProperties properties;

    ElasticsearchController(IntakeService intake, IngestProperties properties) {
        this.intake = intake;
        this.properties = properties;
    }

    @RequestMapping(
            path = {"/_bulk", "/{index}/_bulk"},
            method = {RequestMethod.POST, RequestMethod.PUT})
    ResponseEntity<byte[]> bulk(@PathVariable(required = false) String index, HttpServletRequest request)
            throws IOException {
        long start = System.nanoTime();
        ApiPrincipal principal = ApiPrincipal.current().orElseThrow();
        String bound = principal.scope() == ApiScope.INGEST ? principal.subject() : null;
        boolean gzip;
        try {
            gzip = Bodies.gzip(request.getHeader(HttpHeaders.CONTENT_ENCODING));
        } catch (Bodies.UnsupportedEncoding e) {
            return error(request, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "illegal_argument_exception", e.getMessage());
        }
        IntakeService.BulkResult r =
                intake.ingestBulk(index, request.getInputStream(), gzip, bound, request.getContentLengthLong());
        return switch (r.status()) {
            case ACCEPTED -> {
                boolean errors = false;
                List<Map<String, Object>> items = new ArrayList<>(r.items().size());
                for (IntakeService.BulkItem item : r.items()) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    // never null: the official clients refuse the whole response when an item lacks _index
                    v.put("_index", item.index() == null ? "" : item.index());
                    v.put("_id", item.id());
                    if (item.status() < 300) {
                        v.put("_version", 1);
                        v.put("result", "created");
                        v.put("_shards", Map.of("total", 1, "successful", 1, "failed", 0));
                        v.put("_seq_no", 0);
                        v.put("_primary_term", 1);
                        v.put("status", item.status());
                    } else {
                        errors = true;
                        v.put("status", item.status());
                        v.put("error", Map.of("type", item.errorType(), "reason", item.errorReason()));
                    }
                    items.add(Map.of(item.action(), v));
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("took", (System.nanoTime() - start) / 1_000_000);
                body.put("errors", errors);
                body.put("items", items);
                yield json(request, HttpStatus.OK, body);
            }
            case BUSY -> {
                ResponseEntity<byte[]> e =
                        error(request, HttpStatus.TOO_MANY_REQUESTS, "es_rejected_execution_exception", r.message());
                yield ResponseEntity.status(e.getStatusCode())
                        .headers(e.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, Integer.toString(properties.retryAfterSeconds()))
                        .body(e.getBody());
            }
            case UNAVAILABLE -> {
                ResponseEntity<byte[]> e =
                        error(request, HttpStatus.SERVICE_UNAVAILABLE, "unavailable_shards_exception", r.message());
                yield ResponseEntity.status(e.getStatusCode())
                        .headers(e.getHeaders())
                        .header(HttpHeaders.RETRY_AFTER, Integer.toString(properties.retryAfterSeconds()))
                        .body(e.getBody());
            }
            case TOO_LARGE -> error(request, HttpStatus.CONTENT_TOO_LARGE, "illegal_argument_exception", r.message());
            case BAD_BODY -> error(request, HttpStatus.BAD_REQUEST, "illegal_argument_exception", r.message());
        };
    }

    @RequestMapping(path = "/", method = RequestMethod.GET, headers = "Authorization")
    ResponseEntity<byte[]> info(HttpServletRequest request) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("number", properties.bulkVersion());
        version.put("build_flavor", "default");
        version.put("build_type", "tar");
        version.put("build_hash", "vigil");
        version.put("build_date", "2025-01-01T00:00:00.000Z");
        version.put("build_snapshot", false);
        version.put("lucene_version", "9.12.0");
        version.put("minimum_wire_compatibility_version", "7.17.0");
        version.put("minimum_index_compatibility_version", "7.0.0");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "vigil");
        body.put("cluster_name", "vigil");
        body.put("cluster_uuid", CLUSTER_UUID);
        body.put("version", version);
        body.put("tagline", "You Know, for Search");
        return json(request, HttpStatus.OK, body);
    }

    @RequestMapping(path = "/", method = RequestMethod.HEAD, headers = "Authorization")
    ResponseEntity<byte[]> ping(HttpServletRequest request) {
        return ResponseEntity.ok().headers(headers(request)).build();
    }

    @RequestMapping(path = "/_license", method = RequestMethod.GET)
    ResponseEntity<byte[]> license(HttpServletRequest request) {
        Map<String, Object> license = new LinkedHashMap<>();
        license.put("status", "active");
        license.put("uid", CLUSTER_UUID);
        license.put("type", "basic");
        license.put("issue_date", "2025-01-01T00:00:00.000Z");
        license.put(
                "issue_date_in_millis", Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
        license.put("max_nodes", 1000);
        license.put("issued_to", "vigil");
        license.put("issuer", "elasticsearch");
        license.put("start_date_in_millis", -1);
        return json(request, HttpStatus.OK, Map.of("license", license));
    }

    @RequestMapping(path = "/_xpack", method = RequestMethod.GET)
    ResponseEntity<byte[]> xpack(HttpServletRequest request) {
        Map<String, Object> off = Map.of("available", false, "enabled", false);
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("ilm", off);
        features.put("ml", off);
        features.put("monitoring", off);
        features.put("security", Map.of("available", true, "enabled", true));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("build", Map.of("hash", "vigil", "date", "2025-01-01T00:00:00.000Z"));
        body.put("license", Map.of("uid", CLUSTER_UUID, "type", "basic", "mode", "basic", "status", "active"));
        body.put("features", features);
        return json(request, HttpStatus.OK, body);
    }

    @RequestMapping(
            path = {"/_index_template/{name}", "/_template/{name}", "/_component_template/{name}"},
            method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<byte[]> template(@PathVariable String name, HttpServletRequest request) {
        if (request.getMethod().equals("HEAD")) {
            return ResponseEntity.ok().headers(headers(request)).build();
        }
        Map<String, Object> t =
                Map.of("index_patterns", List.of(name + "*"), "template", Map.of(), "composed_of", List.of());
        if (request.getRequestURI().startsWith("/_template/")) {
            return json(
                    request, HttpStatus.OK, Map.of(name, Map.of("index_patterns", List.of(name + "*"), "order", 0)));
        }
        return json(
                request, HttpStatus.OK, Map.of("index_templates", List.of(Map.of("name", name, "index_template", t))));
    }

    @RequestMapping(path = "/_ilm/policy/{name}", method = RequestMethod.GET)
    ResponseEntity<byte[]> ilmPolicy(@PathVariable String name, HttpServletRequest request) {
        Map<String, Object> policy = Map.of(
                "version",
                1,
                "modified_date",
                "2025-01-01T00:00:00.000Z",
                "policy",
                Map.of("phases", Map.of("hot", Map.of("min_age", "0ms", "actions", Map.of()))));
        return json(request, HttpStatus.OK, Map.of(name, policy));
    }

    @RequestMapping(path = "/_ingest/pipeline/{id}", method = RequestMethod.GET)
    ResponseEntity<byte[]> ingestPipeline(@PathVariable String id, HttpServletRequest request) {
        return json(
                request,
                HttpStatus.OK,
                Map.of(id, Map.of("description", "accepted by Vigil, not executed", "processors", List.of())));
    }

    @RequestMapping(
            path = {
                "/_index_template/{name}",
                "/_template/{name}",
                "/_component_template/{name}",
                "/_ilm/policy/{name}",
                "/_ingest/pipeline/{name}",
                "/_data_stream/{name}"
            },
            method = {RequestMethod.PUT, RequestMethod.POST})
    ResponseEntity<byte[]> acknowledge(@PathVariable String name, HttpServletRequest request) {
        return json(request, HttpStatus.OK, Map.of("acknowledged", true));
    }

    @RequestMapping(path = "/_data_stream/{name}", method = RequestMethod.GET)
    ResponseEntity<byte[]> dataStream(@PathVariable String name, HttpServletRequest request) {
        return json(request, HttpStatus.OK, Map.of("data_streams", List.of()));
    }

    @RequestMapping(
            path = {"/_nodes", "/_nodes/{what}", "/_nodes/{what}/{more}"},
            method = RequestMethod.GET)
    ResponseEntity<byte[]> nodes(HttpServletRequest request) {
        return json(
                request,
                HttpStatus.OK,
                Map.of(
                        "_nodes", Map.of("total", 1, "successful", 1, "failed", 0),
                        "cluster_name", "vigil",
                        "nodes", Map.of()));
    }

    @RequestMapping(
            path = {"/_cluster/health", "/_cluster/health/{index}"},
            method = RequestMethod.GET)
    ResponseEntity<byte[]> health(HttpServletRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster_name", "vigil");
        body.put("status", "green");
        body.put("timed_out", false);
        body.put("number_of_nodes", 1);
        body.put("number_of_data_nodes", 1);
        return json(request, HttpStatus.OK, body);
    }

    @RequestMapping(
            path = {"/_alias/{name}", "/_alias"},
            method = {RequestMethod.GET, RequestMethod.HEAD})
    ResponseEntity<byte[]> alias(HttpServletRequest request) {
        return json(request, HttpStatus.OK, Map.of());
    }

    /** {@code HEAD /{index}}: every index "exists" (Vigil accepts any index name in {@code _bulk}). */
    @RequestMapping(path = "/{index}", method = RequestMethod.HEAD)
    ResponseEntity<byte[]> indexExists(HttpServletRequest request) {
        return ResponseEntity.ok().headers(headers(request)).build();
    }

    private static HttpHeaders headers(HttpServletRequest request) {
        HttpHeaders h = new HttpHeaders();
        h.set("X-Elastic-Product", "Elasticsearch");
        h.set(HttpHeaders.CONTENT_TYPE, mediaType(request));
        return h;
    }

    /** {@code application/vnd.elasticsearch+json;compatible-with=N} when the client asked for it, else JSON. */
    private static String mediaType(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("vnd.elasticsearch+json")) {
            int i = accept.indexOf("compatible-with=");
            if (i >= 0) {
                int end = i + "compatible-with=".length();
                int stop = end;
                while (stop < accept.length() && Character.isDigit(accept.charAt(stop))) {
                    stop++;
                }
                if (stop > end) {
                    return "application/vnd.elasticsearch+json;compatible-with=" + accept.substring(end, stop);
                }
            }
        }
        return "application/json";
    }

    private static ResponseEntity<byte[]> json(HttpServletRequest request, HttpStatus status, Object body) {
        return ResponseEntity.status(status).headers(headers(request)).body(JSON.writeValueAsBytes(body));
    }

    private static ResponseEntity<byte[]> error(
            HttpServletRequest request, HttpStatus status, String type, String reason) {
        Map<String, Object> cause = Map.of("type", type, "reason", reason);
        return json(
                request,
                status,
                Map.of(
                        "error",
                        Map.of("root_cause", List.of(cause), "type", type, "reason", reason),
                        "status",
                        status.value()));
    }
}
