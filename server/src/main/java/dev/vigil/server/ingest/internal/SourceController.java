package dev.vigil.server.ingest.internal;

import dev.vigil.server.ingest.Intake;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.ingest.Rejection;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.normalize.ParserKind;
import dev.vigil.server.normalize.ParserSpec;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import dev.vigil.server.security.IssuedApiToken;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/sources} (admin): log sources with their counters. Creating a source issues its ingest token
 * (shown once in the answer) when the caller holds {@code ingest} as well as {@code sources_write} ({@code token} is
 * null otherwise); {@code POST /{name}/token} rotates it and needs both (403 otherwise, audited); deleting a source
 * revokes its tokens.
 * {@code GET /{name}/rejections} lists its most recent refused records with reasons.
 */
@RequirePermission(Permission.SOURCES_READ)
@RestController
@RequestMapping("/api/v1/sources")
class SourceController {
    private final SourceService sources;
    private final IntakeService intake;

    SourceController(SourceService sources, IntakeService intake) {
        this.sources = sources;
        this.intake = intake;
    }

    /** Sigma logsource assignment. */
    record LogsourceDto(String product, String category, String service) {}

    /** A source as sent by clients (create and replace). */
    record SourceRequest(
            String name,
            String intake,
            String parser,
            Map<String, String> parserOptions,
            String pipeline,
            LogsourceDto logsource,
            String application,
            List<String> match,
            Integer priority,
            Boolean enabled) {

        LogSource toDraft(String fallbackName) {
            if (intake == null) {
                throw new IllegalArgumentException("intake is required (syslog, http, bulk, otlp or file)");
            }
            Intake in = Intake.of(intake);
            ParserKind kind =
                    parser != null ? ParserKind.of(parser) : in == Intake.SYSLOG ? ParserKind.SYSLOG : ParserKind.JSON;
            LogsourceDto ls = logsource == null ? new LogsourceDto(null, null, null) : logsource;
            return new LogSource(
                    null,
                    name != null ? name : fallbackName,
                    in,
                    new ParserSpec(kind, parserOptions),
                    blankToNull(pipeline),
                    blankToNull(ls.product()),
                    blankToNull(ls.category()),
                    blankToNull(ls.service()),
                    blankToNull(application),
                    match,
                    priority == null ? 100 : priority,
                    enabled == null || enabled,
                    false,
                    null,
                    null);
        }
    }

    /** A source as answered: its configuration and its counters. */
    record SourceView(
            String name,
            String intake,
            String parser,
            Map<String, String> parserOptions,
            String pipeline,
            LogsourceDto logsource,
            String application,
            List<String> match,
            int priority,
            boolean enabled,
            boolean builtin,
            java.time.Instant createdAt,
            java.time.Instant updatedAt,
            SourceStats stats) {}

    record CreatedView(SourceView source, IssuedApiToken token) {}

    @GetMapping
    Page<SourceView> list(
            @Paging(
                            defaultSize = 100,
                            defaultSort = "name",
                            sortable = {"name", "intake", "priority"})
                    PageQuery page) {
        return Page.slice(
                sources.list().stream().map(this::view).toList(),
                page,
                java.util.Map.of(
                        "name", java.util.Comparator.comparing(SourceView::name),
                        "intake", java.util.Comparator.comparing(SourceView::intake),
                        "priority", java.util.Comparator.comparingInt(SourceView::priority)));
    }

    @GetMapping("/{name}")
    SourceView get(@PathVariable String name) {
        return view(sources.find(name).orElseThrow(() -> SourceService.notFound(name)));
    }

    @GetMapping("/{name}/rejections")
    List<Rejection> rejections(@PathVariable String name) {
        sources.find(name).orElseThrow(() -> SourceService.notFound(name));
        return intake.recentRejections(name);
    }

    @RequirePermission(Permission.SOURCES_WRITE)
    @PostMapping
    ResponseEntity<CreatedView> create(@RequestBody SourceRequest request) {
        if (request.name() == null) {
            throw new IllegalArgumentException("name is required");
        }
        SourceService.Created created = sources.create(request.toDraft(null));
        return ResponseEntity.status(HttpStatus.CREATED).body(new CreatedView(view(created.source()), created.token()));
    }

    @RequirePermission(Permission.SOURCES_WRITE)
    @PutMapping("/{name}")
    SourceView replace(@PathVariable String name, @RequestBody SourceRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw new IllegalArgumentException("a source cannot be renamed (create a new one)");
        }
        return view(sources.update(name, request.toDraft(name)));
    }

    @RequirePermission(Permission.SOURCES_WRITE)
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        sources.delete(name);
        return ResponseEntity.noContent().build();
    }

    @RequirePermission(Permission.SOURCES_WRITE)
    @PostMapping("/{name}/token")
    ResponseEntity<IssuedApiToken> rotateToken(@PathVariable String name) {
        return ResponseEntity.status(HttpStatus.CREATED).body(sources.rotateToken(name));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<ProblemDetail> notFound(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage()));
    }

    private SourceView view(LogSource s) {
        return new SourceView(
                s.name(),
                s.intake().id(),
                s.parser().kind().id(),
                s.parser().options(),
                s.pipeline(),
                new LogsourceDto(s.product(), s.category(), s.service()),
                s.application(),
                s.match(),
                s.priority(),
                s.enabled(),
                s.builtin(),
                s.createdAt(),
                s.updatedAt(),
                intake.stats(s.name()).orElse(null));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
