package dev.vigil.server.detection.internal;

import dev.vigil.server.detection.DetectionRule;
import dev.vigil.server.detection.ImportResult;
import dev.vigil.server.detection.RuleFile;
import dev.vigil.server.detection.RuleFiles;
import dev.vigil.server.detection.RuleRefusal;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.detection.RuleSetStatus;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.api.Paging;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/rules} (admin): list and inspect rules, import, enable, disable, delete, reload, status.
 *
 * <p>{@code POST /api/v1/rules/import} takes the request body as either a zip archive (a SigmaHQ release, or a
 * directory zipped by {@code ./vigil rules import}; detected by its signature) or one YAML file, named by the
 * {@code origin} parameter. Bodies are limited to {@link #MAX_BODY} bytes.
 */
@RequirePermission(Permission.RULES_READ)
@RestController
@RequestMapping("/api/v1/rules")
class RuleController {
    static final long MAX_BODY = 256L * 1024 * 1024;

    private final RuleService rules;

    RuleController(RuleService rules) {
        this.rules = rules;
    }

    static final java.util.Map<String, java.util.Comparator<DetectionRule>> SORT = java.util.Map.of(
            "title", java.util.Comparator.comparing(DetectionRule::title, String.CASE_INSENSITIVE_ORDER),
            "ref", java.util.Comparator.comparing(DetectionRule::ref),
            "level",
                    java.util.Comparator.comparing(r -> dev.vigil.server.alerts.AlertLevel.fromSigma(r.level())
                            .ordinal()),
            "updatedAt", java.util.Comparator.comparing(DetectionRule::updatedAt),
            "matches", java.util.Comparator.comparingLong(r -> r.stats().matches()));

    @GetMapping
    Page<DetectionRule> list(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) Boolean enabled,
            @RequestParam(required = false) Boolean active,
            @RequestParam(required = false) String kind,
            @Paging(
                            defaultSize = 100,
                            maxSize = 5000,
                            defaultSort = "title",
                            sortable = {"title", "ref", "level", "updatedAt", "matches"})
                    PageQuery page) {
        String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
        return Page.slice(
                rules.list().stream()
                        .filter(r -> enabled == null || r.enabled() == enabled)
                        .filter(r -> active == null || r.active() == active)
                        .filter(r -> kind == null || r.kind().equals(kind))
                        .filter(r -> needle == null
                                || r.title().toLowerCase(Locale.ROOT).contains(needle)
                                || r.ref().toLowerCase(Locale.ROOT).contains(needle)
                                || r.tags().contains(needle))
                        .toList(),
                page,
                SORT);
    }

    @GetMapping("/status")
    RuleSetStatus status() {
        return rules.status();
    }

    @GetMapping("/{ref}")
    ResponseEntity<DetectionRule> get(@PathVariable String ref) {
        return ResponseEntity.of(rules.get(ref));
    }

    @GetMapping(value = "/{ref}/source", produces = "application/yaml")
    ResponseEntity<String> source(@PathVariable String ref) {
        return ResponseEntity.of(rules.source(ref).map(RuleFile::yaml));
    }

    @RequirePermission(Permission.RULES_WRITE)
    @PostMapping("/{ref}/enable")
    ResponseEntity<DetectionRule> enable(@PathVariable String ref) {
        return rules.setEnabled(ref, true)
                ? ResponseEntity.of(rules.get(ref))
                : ResponseEntity.notFound().build();
    }

    @RequirePermission(Permission.RULES_WRITE)
    @PostMapping("/{ref}/disable")
    ResponseEntity<DetectionRule> disable(@PathVariable String ref) {
        return rules.setEnabled(ref, false)
                ? ResponseEntity.of(rules.get(ref))
                : ResponseEntity.notFound().build();
    }

    @RequirePermission(Permission.RULES_WRITE)
    @DeleteMapping("/{ref}")
    ResponseEntity<Void> delete(@PathVariable String ref) {
        return rules.delete(ref)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @RequirePermission(Permission.RULES_WRITE)
    @PostMapping("/reload")
    RuleSetStatus reload() {
        return rules.reload();
    }

    @RequirePermission(Permission.RULES_WRITE)
    @PostMapping(value = "/import", consumes = MediaType.ALL_VALUE)
    ImportResult importRules(HttpServletRequest request, @RequestParam(defaultValue = "upload") String origin)
            throws IOException {
        if (request.getContentLengthLong() > MAX_BODY) {
            throw new IllegalArgumentException("import larger than " + (MAX_BODY >> 20) + " MiB");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BODY + 1));
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("import larger than " + (MAX_BODY >> 20) + " MiB");
        }
        if (body.length == 0) {
            throw new IllegalArgumentException("empty request body: send a zip archive or a YAML rule file");
        }
        String name = origin.isBlank() ? "upload" : origin.strip();
        List<RuleFile> files;
        List<RuleRefusal> skipped = new ArrayList<>();
        if (RuleFiles.isZip(body)) {
            RuleFiles.Read read = RuleFiles.readZip(new ByteArrayInputStream(body), name);
            files = read.files();
            skipped.addAll(read.skipped());
        } else {
            if (body.length > RuleFiles.MAX_FILE_BYTES) {
                throw new IllegalArgumentException(
                        "a single rule file may be at most " + (RuleFiles.MAX_FILE_BYTES >> 20) + " MiB");
            }
            files = List.of(new RuleFile(name, utf8(body)));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .yml or .yaml rule files in " + name
                    + (skipped.isEmpty()
                            ? ""
                            : " (" + skipped.size() + " skipped: "
                                    + skipped.getFirst().reason() + ")"));
        }
        ImportResult result = rules.importRules(files);
        if (skipped.isEmpty()) {
            return result;
        }
        List<RuleRefusal> refused = new ArrayList<>(skipped);
        refused.addAll(result.refused());
        return new ImportResult(
                result.files() + skipped.size(),
                result.added(),
                result.updated(),
                result.unchanged(),
                result.removed(),
                refused,
                result.activeRules());
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the rule file is not valid UTF-8");
        }
    }
}
