package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.incidents.BusinessCalendar;
import dev.vigil.server.incidents.ObligationTemplate;
import dev.vigil.server.incidents.Playbook;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.incidents.StakeholderGroup;
import dev.vigil.server.incidents.TaxonomyService;
import dev.vigil.server.incidents.TriageResult;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.incidents.TriageService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Incident-response configuration under {@code /api/v1/incident-config}: triage rules (also as YAML), playbooks
 * (YAML, versioned), the taxonomy, stakeholder groups, business calendars and notification obligation templates.
 * Reading needs {@code incidents_read}; changing needs {@code incidents_configure} (analysts and administrators).
 */
@RequirePermission(Permission.INCIDENTS_READ)
@RestController
@RequestMapping("/api/v1/incident-config")
class IncidentConfigController {
    private static final MediaType YAML = new MediaType("application", "yaml", StandardCharsets.UTF_8);
    private final TriageService triage;
    private final PlaybookService playbooks;
    private final TaxonomyService taxonomy;
    private final DefaultObligationService obligations;
    private final AlertService alerts;

    IncidentConfigController(
            TriageService triage,
            PlaybookService playbooks,
            TaxonomyService taxonomy,
            DefaultObligationService obligations,
            AlertService alerts) {
        this.triage = triage;
        this.playbooks = playbooks;
        this.taxonomy = taxonomy;
        this.obligations = obligations;
        this.alerts = alerts;
    }

    // --- triage rules

    @GetMapping("/triage-rules")
    List<TriageRule> rules() {
        return triage.rules();
    }

    @GetMapping(value = "/triage-rules.yaml", produces = "application/yaml")
    ResponseEntity<String> exportRules() {
        return ResponseEntity.ok().contentType(YAML).body(triage.exportYaml());
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping(
            value = "/triage-rules.yaml",
            consumes = {"application/yaml", "text/yaml", "text/plain"})
    List<TriageRule> importRules(@RequestBody String yaml, @RequestParam(defaultValue = "false") boolean replace) {
        return triage.importYaml(yaml, replace);
    }

    @GetMapping("/triage-rules/{name}")
    TriageRule rule(@PathVariable String name) {
        return triage.rule(name).orElseThrow(() -> new NoSuchElementException("no triage rule '" + name + "'"));
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/triage-rules/{name}")
    TriageRule saveRule(@PathVariable String name, @RequestBody TriageRule rule) {
        return triage.save(new TriageRule(
                null,
                name,
                rule.description(),
                rule.position(),
                rule.enabled(),
                rule.when(),
                rule.then(),
                rule.action(),
                rule.stop(),
                false,
                null));
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @DeleteMapping("/triage-rules/{name}")
    ResponseEntity<Void> deleteRule(@PathVariable String name) {
        return triage.delete(name)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping("/triage-rules/order")
    List<TriageRule> reorder(@RequestBody List<String> names) {
        return triage.reorder(names);
    }

    record Evaluate(UUID alertId) {}

    /** Dry run: what triage decides for a stored alert. */
    @PostMapping("/triage-rules/evaluate")
    TriageResult evaluate(@RequestBody Evaluate e) {
        if (e.alertId() == null) {
            throw new IllegalArgumentException("alertId is required");
        }
        return triage.evaluate(
                alerts.get(e.alertId()).orElseThrow(() -> new NoSuchElementException("no alert " + e.alertId())));
    }

    // --- playbooks

    @GetMapping("/playbooks")
    List<Playbook> playbooks(@RequestParam(defaultValue = "false") boolean retired) {
        return playbooks.list(retired);
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping(
            value = "/playbooks",
            consumes = {"application/yaml", "text/yaml", "text/plain"})
    ResponseEntity<Playbook> savePlaybook(@RequestBody String yaml) {
        return ResponseEntity.status(HttpStatus.CREATED).body(playbooks.save(yaml));
    }

    @GetMapping("/playbooks/{key}")
    Playbook playbook(@PathVariable String key) {
        return playbooks.get(key).orElseThrow(() -> new NoSuchElementException("no playbook '" + key + "'"));
    }

    @GetMapping(value = "/playbooks/{key}.yaml", produces = "application/yaml")
    ResponseEntity<String> playbookYaml(@PathVariable String key) {
        return ResponseEntity.ok().contentType(YAML).body(playbook(key).source());
    }

    @GetMapping("/playbooks/{key}/versions")
    List<Playbook> versions(@PathVariable String key) {
        return playbooks.versions(key);
    }

    @GetMapping("/playbooks/{key}/versions/{version}")
    Playbook version(@PathVariable String key, @PathVariable int version) {
        return playbooks
                .get(key, version)
                .orElseThrow(() -> new NoSuchElementException("no playbook '" + key + "' version " + version));
    }

    record Active(boolean active) {}

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping("/playbooks/{key}/active")
    Playbook setActive(@PathVariable String key, @RequestBody Active a) {
        return playbooks.setActive(key, a.active());
    }

    // --- taxonomy

    record ClassRequest(String name, String description, Boolean active) {}

    @GetMapping("/taxonomy")
    List<TaxonomyService.TaxonomyClass> taxonomy(@RequestParam(defaultValue = "false") boolean retired) {
        return taxonomy.classes(retired);
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/taxonomy/{classKey}")
    TaxonomyService.TaxonomyClass saveClass(@PathVariable String classKey, @RequestBody ClassRequest r) {
        return taxonomy.saveClass(classKey, r.name(), r.description(), r.active() == null || r.active());
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/taxonomy/{classKey}/{typeKey}")
    TaxonomyService.TaxonomyClass.Type saveType(
            @PathVariable String classKey, @PathVariable String typeKey, @RequestBody ClassRequest r) {
        return taxonomy.saveType(classKey, typeKey, r.name(), r.description(), r.active() == null || r.active());
    }

    // --- stakeholders, calendars, obligation templates

    @GetMapping("/stakeholders")
    List<StakeholderGroup> groups() {
        return obligations.groups();
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/stakeholders/{key}")
    StakeholderGroup saveGroup(@PathVariable String key, @RequestBody StakeholderGroup g) {
        return obligations.saveGroup(new StakeholderGroup(key, g.name(), g.description(), g.contacts(), false, null));
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @DeleteMapping("/stakeholders/{key}")
    ResponseEntity<Void> deleteGroup(@PathVariable String key) {
        return obligations.deleteGroup(key)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/calendars")
    List<BusinessCalendar> calendars() {
        return obligations.calendars();
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/calendars/{key}")
    BusinessCalendar saveCalendar(@PathVariable String key, @RequestBody BusinessCalendar c) {
        return obligations.saveCalendar(new BusinessCalendar(
                key, c.name(), c.zone(), c.weekend(), c.country(), c.holidays(), c.cutoff(), false, null));
    }

    @GetMapping("/obligations")
    List<ObligationTemplate> templates() {
        return obligations.templates();
    }

    /** A template as sent: {@code active} defaults to true. */
    record TemplateRequest(
            String name,
            String regulation,
            String stakeholder,
            String description,
            ObligationTemplate.Applies appliesWhen,
            List<ObligationTemplate.Stage> stages,
            Boolean active) {}

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PutMapping("/obligations/{key}")
    ObligationTemplate saveTemplate(@PathVariable String key, @RequestBody TemplateRequest t) {
        return obligations.saveTemplate(new ObligationTemplate(
                key,
                t.name(),
                t.regulation(),
                t.stakeholder(),
                t.description(),
                t.appliesWhen(),
                t.stages(),
                t.active() == null || t.active(),
                false,
                null));
    }

    @GetMapping(value = "/obligations/{key}.yaml", produces = "application/yaml")
    ResponseEntity<String> templateYaml(@PathVariable String key) {
        return ResponseEntity.ok().contentType(YAML).body(obligations.templateYaml(key));
    }

    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping(
            value = "/obligations.yaml",
            consumes = {"application/yaml", "text/yaml", "text/plain"})
    ObligationTemplate saveTemplateYaml(@RequestBody String yaml) {
        return obligations.saveTemplateYaml(yaml);
    }

    record Applied(int updated) {}

    /** Applies the template's current definition to the open obligations made from it (deadlines recomputed). */
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    @PostMapping("/obligations/{key}/apply")
    Applied applyTemplate(@PathVariable String key) {
        return new Applied(obligations.applyTemplate(key));
    }
}
