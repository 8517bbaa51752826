package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.TaxonomyService;
import dev.vigil.server.incidents.TriageResult;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.incidents.TriageService;
import dev.vigil.server.inventory.Application;
import dev.vigil.server.inventory.Criticality;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Triage rules in {@code triage_rules} (definition as kebab-case JSON), evaluated by {@link TriageEvaluator}. The
 * YAML document format is {@code rules: [{name, description, enabled, when: {...}, then: {...}, action, stop}]}.
 */
@Service
class DefaultTriageService implements TriageService {
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final InventoryService inventory;
    private final TaxonomyService taxonomy;
    private final IncidentProperties properties;
    private final Predicate<String> playbookExists;
    private final TableSnapshot<List<TriageRule>> rules;

    DefaultTriageService(
            JdbcClient jdbc,
            AuditLog audit,
            Clock clock,
            InventoryService inventory,
            TaxonomyService taxonomy,
            IncidentProperties properties) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.inventory = inventory;
        this.taxonomy = taxonomy;
        this.properties = properties;
        this.playbookExists = key -> jdbc.sql("select exists (select 1 from playbooks where key = ?)")
                .param(key)
                .query(Boolean.class)
                .single();
        this.rules = new TableSnapshot<>(jdbc, "triage_rules", "t.name", this::readRules);
    }

    /** The YAML document. */
    record RulesDoc(List<RuleDoc> rules) {}

    record RuleDoc(
            String name,
            String description,
            Boolean enabled,
            TriageRule.When when,
            TriageRule.Then then,
            String action,
            Boolean stop) {}

    /** Stored definition (without name and position, which are columns). */
    record Definition(String description, TriageRule.When when, TriageRule.Then then, String action, Boolean stop) {}

    @Override
    public List<TriageRule> rules() {
        return rules.get();
    }

    private List<TriageRule> readRules() {
        return List.copyOf(jdbc.sql("select * from triage_rules order by position, name")
                .query((rs, n) -> {
                    Definition d = IncidentYaml.fromJson(rs.getString("definition"), Definition.class);
                    return new TriageRule(
                            rs.getObject("id", UUID.class),
                            rs.getString("name"),
                            d.description(),
                            rs.getInt("position"),
                            rs.getBoolean("enabled"),
                            d.when(),
                            d.then(),
                            d.action(),
                            d.stop() != null && d.stop(),
                            rs.getBoolean("builtin"),
                            rs.getTimestamp("updated_at").toInstant());
                })
                .list());
    }

    @Override
    public Optional<TriageRule> rule(String name) {
        return rules().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    @Override
    @Transactional
    public TriageRule save(TriageRule rule) {
        TriageRule r = validate(rule);
        Optional<TriageRule> before = rule(r.name());
        upsert(
                r,
                r.position() > 0
                        ? r.position()
                        : before.map(TriageRule::position).orElse(nextPosition()),
                false);
        TriageRule after = rule(r.name()).orElseThrow();
        audit.record("triage.rule.save", "triage-rule", r.name(), before.orElse(null), after);
        return after;
    }

    private int nextPosition() {
        return jdbc.sql("select coalesce(max(position), 0) + 10 from triage_rules")
                .query(Integer.class)
                .single();
    }

    private void upsert(TriageRule r, int position, boolean builtin) {
        Definition d = new Definition(r.description(), r.when(), r.then(), r.action(), r.stop() ? true : null);
        jdbc.sql("""
                        insert into triage_rules (id, name, position, enabled, definition, builtin, updated_at)
                        values (?, ?, ?, ?, ?::jsonb, ?, ?)
                        on conflict (name) do update set position = excluded.position, enabled = excluded.enabled,
                            definition = excluded.definition, updated_at = excluded.updated_at""")
                .params(
                        UUID.randomUUID(),
                        r.name(),
                        position,
                        r.enabled(),
                        IncidentYaml.json(d),
                        builtin,
                        Timestamp.from(clock.instant()))
                .update();
    }

    @Override
    @Transactional
    public boolean delete(String name) {
        Optional<TriageRule> before = rule(name);
        if (before.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from triage_rules where name = ?").param(name).update();
        audit.record("triage.rule.delete", "triage-rule", name, before.get(), null);
        return true;
    }

    @Override
    @Transactional
    public List<TriageRule> reorder(List<String> names) {
        List<TriageRule> current = rules();
        Set<String> known = new HashSet<>();
        current.forEach(r -> known.add(r.name()));
        for (String n : names) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException("no triage rule '" + n + "'");
            }
        }
        List<String> order = new ArrayList<>(new java.util.LinkedHashSet<>(names));
        current.stream().map(TriageRule::name).filter(n -> !order.contains(n)).forEach(order::add);
        int pos = 10;
        for (String n : order) {
            jdbc.sql("update triage_rules set position = ? where name = ?")
                    .params(pos, n)
                    .update();
            pos += 10;
        }
        audit.record(
                "triage.rule.reorder",
                "triage-rule",
                "*",
                current.stream().map(TriageRule::name).toList(),
                order);
        return rules();
    }

    @Override
    public String exportYaml() {
        List<RuleDoc> docs = rules().stream()
                .map(r -> new RuleDoc(
                        r.name(),
                        r.description(),
                        r.enabled() ? null : false,
                        r.when(),
                        r.then(),
                        r.action(),
                        r.stop() ? true : null))
                .toList();
        return "# Vigil triage rules: evaluated in order; the first matching rule that sets an attribute decides it.\n"
                + IncidentYaml.write(new RulesDoc(docs));
    }

    @Override
    @Transactional
    public List<TriageRule> importYaml(String yaml, boolean replace) {
        List<TriageRule> parsed = parse(yaml);
        List<TriageRule> before = rules();
        if (replace) {
            jdbc.sql("delete from triage_rules").update();
        }
        int pos = replace ? 10 : nextPosition();
        Map<String, Integer> existing = new LinkedHashMap<>();
        if (!replace) {
            before.forEach(r -> existing.put(r.name(), r.position()));
        }
        for (TriageRule r : parsed) {
            Integer keep = existing.get(r.name());
            upsert(r, keep != null ? keep : pos, false);
            if (keep == null) {
                pos += 10;
            }
        }
        List<TriageRule> after = rules();
        audit.record("triage.rule.import", "triage-rule", "*", before, after);
        return after;
    }

    /** Parses and validates a document (every rule; the first problem is reported with the rule's name). */
    List<TriageRule> parse(String yaml) {
        RulesDoc doc = IncidentYaml.read(yaml, RulesDoc.class, "triage rules");
        if (doc.rules() == null || doc.rules().isEmpty()) {
            throw new IllegalArgumentException("triage rules: the document has no 'rules'");
        }
        List<TriageRule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RuleDoc d : doc.rules()) {
            TriageRule r = validate(new TriageRule(
                    null,
                    d.name(),
                    d.description(),
                    0,
                    d.enabled() == null || d.enabled(),
                    d.when(),
                    d.then(),
                    d.action(),
                    d.stop() != null && d.stop(),
                    false,
                    null));
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("triage rules: the name '" + r.name() + "' is used twice");
            }
            out.add(r);
        }
        return out;
    }

    /** Seeds the starter rules (only when never seeded before). */
    void seed(String yaml) {
        List<TriageRule> parsed = parse(yaml);
        int pos = nextPosition();
        for (TriageRule r : parsed) {
            upsert(r, pos, true);
            pos += 10;
        }
    }

    TriageRule validate(TriageRule r) {
        String name = Texts.key(r.name(), "triage rule name");
        String where = "triage rule '" + name + "': ";
        try {
            TriageRule.When w = r.when();
            if (w != null) {
                if (w.minLevel() != null) {
                    AlertLevel.parse(w.minLevel());
                }
                if (w.levels() != null) {
                    w.levels().forEach(AlertLevel::parse);
                }
                if (w.minCriticality() != null) {
                    Criticality.parse(w.minCriticality());
                }
            }
            TriageRule.Then t = r.then();
            if (t != null) {
                if (t.severity() != null) {
                    IncidentSeverity.parse(t.severity());
                }
                if (t.priority() != null && (t.priority() < 1 || t.priority() > 5)) {
                    throw new IllegalArgumentException("priority must be 1..5");
                }
                if (t.classification() != null) {
                    taxonomy.requireActive(Classification.parse(t.classification()));
                }
                if (t.playbook() != null && !playbookExists.test(t.playbook())) {
                    throw new IllegalArgumentException("no playbook '" + t.playbook() + "'");
                }
                if (t.groupBy() != null) {
                    TriageEvaluator.validateGroupBy(t.groupBy());
                }
                if (t.groupWindow() != null) {
                    Offset.duration(t.groupWindow());
                }
            }
            if (r.action() != null
                    && !r.action().equals("incident")
                    && !r.action().equals("suppress")) {
                throw new IllegalArgumentException("action must be 'incident' or 'suppress'");
            }
            if (t == null && r.action() == null) {
                throw new IllegalArgumentException("the rule decides nothing (no 'then' and no 'action')");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        return new TriageRule(
                r.id(),
                name,
                Texts.optional(r.description(), "description", 2000),
                r.position(),
                r.enabled(),
                r.when(),
                r.then(),
                r.action(),
                r.stop(),
                r.builtin(),
                r.updatedAt());
    }

    @Override
    public TriageResult evaluate(Alert alert) {
        return TriageEvaluator.evaluate(
                alert,
                rules(),
                app -> inventory.get(app).map(Application::criticality),
                properties.groupBy(),
                Offset.duration(properties.groupWindow()));
    }

    /**
     * Triage for a batch of alerts: {@link #evaluate(Alert)} with the rules read once (not once per alert) and the
     * inventory look-ups remembered, for the duration of one batch.
     */
    java.util.function.Function<Alert, TriageResult> forBatch() {
        List<TriageRule> batchRules = rules();
        Map<String, Optional<Criticality>> criticality = new java.util.HashMap<>();
        Duration window = Offset.duration(properties.groupWindow());
        return alert -> TriageEvaluator.evaluate(
                alert,
                batchRules,
                app -> criticality.computeIfAbsent(app, x -> inventory.get(x).map(Application::criticality)),
                properties.groupBy(),
                window);
    }

    Duration defaultWindow() {
        return Offset.duration(properties.groupWindow());
    }
}
