package dev.vigil.server.web.internal;

import dev.vigil.server.incidents.ObligationService;
import dev.vigil.server.incidents.Playbook;
import dev.vigil.server.incidents.PlaybookService;
import dev.vigil.server.incidents.StakeholderGroup;
import dev.vigil.server.incidents.TaxonomyService;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.incidents.TriageService;
import dev.vigil.server.platform.access.Permission;
import dev.vigil.server.platform.access.RequirePermission;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /incidents/settings}: how incidents are handled. Triage rules (the ordered list, edited as a YAML document,
 * validated completely before anything changes), playbooks (versions, edit as YAML, retire), the classification
 * taxonomy (RSIT plus the organisation's own types), stakeholder groups and their contacts, the notification
 * obligation templates (edited as YAML: conditions, stages with anchors, offsets and calendars; optionally applied to
 * the open incidents that have them) and the business-day calendars with their holidays. Reading needs
 * {@code incidents_read}, changing {@code incidents_configure}; every change is validated and audited by the incident
 * module.
 */
@Controller
@RequirePermission(Permission.INCIDENTS_READ)
class IncidentSettingsPages {
    private final TriageService triage;
    private final PlaybookService playbooks;
    private final TaxonomyService taxonomy;
    private final ObligationService obligations;

    IncidentSettingsPages(
            TriageService triage, PlaybookService playbooks, TaxonomyService taxonomy, ObligationService obligations) {
        this.triage = triage;
        this.playbooks = playbooks;
        this.taxonomy = taxonomy;
        this.obligations = obligations;
    }

    /** A triage rule with its conditions and decisions written out for people. */
    public record RuleRow(TriageRule rule, String when, String then) {}

    /** An obligation template with its conditions written out. */
    public record TemplateRow(dev.vigil.server.incidents.ObligationTemplate template, String applies, String yaml) {}

    /** A skeleton for a new obligation template. */
    static final String NEW_TEMPLATE = """
            key: my-obligation
            name: Tell the customer within 2 business days
            regulation: contract
            stakeholder: customers
            description: What the obligation is and where it comes from.
            applies-when:
              min-severity: high
              classifications: [information-content-security]
            stages:
              - key: notice
                name: Written notice
                anchor: awareness
                after: 2bd
                calendar: utc
                warn-before: 4h
            active: true
            """;

    @GetMapping("/incidents/settings")
    String settings(Model model) {
        model.addAttribute(
                "rules",
                triage.rules().stream()
                        .map(r -> new RuleRow(r, describe(r.when()), describe(r.then())))
                        .toList());
        model.addAttribute("triageYaml", triage.exportYaml());
        model.addAttribute("playbooks", playbooks.list(true));
        model.addAttribute("classes", taxonomy.classes(true));
        model.addAttribute("groups", obligations.groups());
        model.addAttribute(
                "templates",
                obligations.templates().stream()
                        .map(t ->
                                new TemplateRow(t, blank(describe(t.appliesWhen())), obligations.templateYaml(t.key())))
                        .toList());
        var calendars = obligations.calendars();
        model.addAttribute("calendars", calendars);
        Map<String, String> holidayText = new java.util.HashMap<>();
        calendars.forEach(k -> holidayText.put(
                k.key(),
                String.join("\n", k.holidays().stream().map(String::valueOf).toList())));
        model.addAttribute("holidayText", holidayText);
        model.addAttribute("newTemplate", NEW_TEMPLATE);
        model.addAttribute("days", java.time.DayOfWeek.values());
        return "incidents/settings";
    }

    @PostMapping("/incidents/settings/obligations")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String saveTemplate(
            @RequestParam String yaml, @RequestParam(defaultValue = "false") boolean apply, RedirectAttributes flash) {
        var t = obligations.saveTemplateYaml(yaml);
        String notice = "Obligation " + t.name() + " saved.";
        if (apply) {
            int n = obligations.applyTemplate(t.key());
            notice +=
                    " Applied to " + n + " open incident obligation" + (n == 1 ? "" : "s") + "; deadlines recomputed.";
        }
        return Flash.notice(flash, notice, "redirect:/incidents/settings#obligations");
    }

    @PostMapping("/incidents/settings/calendars")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String saveCalendar(
            @RequestParam String key,
            @RequestParam String name,
            @RequestParam String zone,
            @RequestParam(required = false) List<java.time.DayOfWeek> weekend,
            @RequestParam(required = false) String country,
            @RequestParam(required = false) String holidays,
            @RequestParam(required = false) String cutoff,
            RedirectAttributes flash) {
        List<java.time.LocalDate> dates = new ArrayList<>();
        if (holidays != null) {
            for (String line : holidays.split("[,\\n]")) {
                // "2026-12-24 Christmas Eve": the date, then an optional comment.
                String v = line.strip();
                if (v.isEmpty()) {
                    continue;
                }
                String date = v.split("\\s+", 2)[0];
                try {
                    dates.add(java.time.LocalDate.parse(date));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IllegalArgumentException("holiday '" + date + "' is not a date (YYYY-MM-DD)");
                }
            }
        }
        java.time.LocalTime cut;
        try {
            cut = blank(cutoff) == null ? null : java.time.LocalTime.parse(cutoff.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("cut-off '" + cutoff + "' is not a time (HH:MM)");
        }
        var c = obligations.saveCalendar(new dev.vigil.server.incidents.BusinessCalendar(
                key.strip(),
                name,
                zone.strip(),
                weekend == null ? List.of() : weekend,
                blank(country),
                dates.stream().distinct().sorted().toList(),
                cut,
                false,
                null));
        flash.addFlashAttribute(
                "notice", "Calendar " + c.name() + " saved; open deadlines counted in business days were recomputed.");
        return "redirect:/incidents/settings#calendars";
    }

    @PostMapping("/incidents/settings/triage")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String importTriage(
            @RequestParam String yaml,
            @RequestParam(defaultValue = "false") boolean replace,
            RedirectAttributes flash) {
        List<TriageRule> rules = triage.importYaml(yaml, replace);
        return Flash.notice(
                flash,
                (replace ? "Triage rules replaced: " : "Triage rules imported: ") + rules.size() + " rules.",
                "redirect:/incidents/settings#triage");
    }

    @GetMapping("/incidents/settings/playbooks/{key}")
    String playbook(@PathVariable String key, Model model) {
        Playbook p = playbooks.get(key).orElseThrow(() -> new NoSuchElementException("no playbook " + key));
        model.addAttribute("playbook", p);
        model.addAttribute("versions", playbooks.versions(key));
        return "incidents/playbook";
    }

    @PostMapping("/incidents/settings/playbooks")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String savePlaybook(@RequestParam String yaml, RedirectAttributes flash) {
        Playbook p = playbooks.save(yaml);
        return Flash.notice(
                flash,
                "Playbook " + p.name() + " saved (version " + p.version() + ").",
                "redirect:/incidents/settings/playbooks/" + p.key());
    }

    @PostMapping("/incidents/settings/playbooks/{key}/active")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String activate(@PathVariable String key, @RequestParam boolean active, RedirectAttributes flash) {
        Playbook p = playbooks.setActive(key, active);
        return Flash.notice(
                flash,
                "Playbook " + p.name() + (p.active() ? " is active." : " is retired."),
                "redirect:/incidents/settings/playbooks/" + p.key());
    }

    @PostMapping("/incidents/settings/taxonomy")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String saveType(
            @RequestParam String classKey,
            @RequestParam String key,
            @RequestParam String name,
            @RequestParam(required = false) String description,
            @RequestParam(defaultValue = "false") boolean active,
            RedirectAttributes flash) {
        var t = taxonomy.saveType(classKey, key, name, blank(description), active);
        return Flash.notice(
                flash,
                "Classification " + t.classKey() + "/" + t.key() + " saved.",
                "redirect:/incidents/settings#taxonomy");
    }

    @PostMapping("/incidents/settings/taxonomy/classes")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String saveClass(
            @RequestParam String key,
            @RequestParam String name,
            @RequestParam(required = false) String description,
            @RequestParam(defaultValue = "false") boolean active,
            RedirectAttributes flash) {
        var k = taxonomy.saveClass(key.strip(), name, blank(description), active);
        return Flash.notice(
                flash, "Classification class " + k.key() + " saved.", "redirect:/incidents/settings#taxonomy");
    }

    @PostMapping("/incidents/settings/stakeholders")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String saveGroup(
            @RequestParam String key,
            @RequestParam String name,
            @RequestParam(required = false) String description,
            RedirectAttributes flash) {
        List<StakeholderGroup.Contact> contacts = obligations.groups().stream()
                .filter(x -> x.key().equals(key.strip()))
                .findFirst()
                .map(StakeholderGroup::contacts)
                .orElse(List.of());
        StakeholderGroup g = obligations.saveGroup(
                new StakeholderGroup(key.strip(), name, blank(description), contacts, false, null));
        return Flash.notice(
                flash, "Stakeholder group " + g.name() + " saved.", "redirect:/incidents/settings#stakeholders");
    }

    @PostMapping("/incidents/settings/stakeholders/{key}/contacts")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String addContact(
            @PathVariable String key,
            @RequestParam String name,
            @RequestParam(required = false) String role,
            @RequestParam(required = false) String email,
            @RequestParam(required = false) String phone,
            @RequestParam(required = false) String notes,
            RedirectAttributes flash) {
        StakeholderGroup g = obligations.groups().stream()
                .filter(x -> x.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no stakeholder group " + key));
        List<StakeholderGroup.Contact> contacts = new ArrayList<>(g.contacts());
        contacts.add(new StakeholderGroup.Contact(name.strip(), blank(role), blank(email), blank(phone), blank(notes)));
        obligations.saveGroup(
                new StakeholderGroup(g.key(), g.name(), g.description(), contacts, g.builtin(), g.updatedAt()));
        return Flash.notice(flash, "Contact added to " + g.name() + ".", "redirect:/incidents/settings#stakeholders");
    }

    @PostMapping("/incidents/settings/stakeholders/{key}/contacts/remove")
    @RequirePermission(Permission.INCIDENTS_CONFIGURE)
    String removeContact(@PathVariable String key, @RequestParam int index, RedirectAttributes flash) {
        StakeholderGroup g = obligations.groups().stream()
                .filter(x -> x.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("no stakeholder group " + key));
        if (index < 0 || index >= g.contacts().size()) {
            throw new IllegalArgumentException("no contact " + index + " in " + g.name());
        }
        List<StakeholderGroup.Contact> contacts = new ArrayList<>(g.contacts());
        StakeholderGroup.Contact removed = contacts.remove(index);
        obligations.saveGroup(
                new StakeholderGroup(g.key(), g.name(), g.description(), contacts, g.builtin(), g.updatedAt()));
        return Flash.notice(
                flash, removed.name() + " removed from " + g.name() + ".", "redirect:/incidents/settings#stakeholders");
    }

    /** The set components of a record, "name: value; ...", for people (null and empty values left out). */
    static String describe(Record r) {
        if (r == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (v == null
                    || (v instanceof Collection<?> col && col.isEmpty())
                    || (v instanceof Map<?, ?> map && map.isEmpty())) {
                continue;
            }
            String text = v instanceof Collection<?> col
                    ? String.join(", ", col.stream().map(String::valueOf).toList())
                    : String.valueOf(v);
            parts.add(c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT) + ": " + text);
        }
        return String.join("; ", parts);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
