package dev.vigil.server.governance.internal;

import static dev.vigil.server.governance.internal.Sql.instant;
import static dev.vigil.server.governance.internal.Sql.list;
import static dev.vigil.server.governance.internal.Sql.textArray;
import static dev.vigil.server.governance.internal.Sql.ts;

import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.alerts.AttackTactics;
import dev.vigil.server.detection.DetectionRule;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.detection.RuleStats;
import dev.vigil.server.governance.Checklist;
import dev.vigil.server.governance.ChecklistEntry;
import dev.vigil.server.governance.ChecklistEntryRequest;
import dev.vigil.server.governance.DetectionChecklist;
import dev.vigil.server.governance.LogDefect;
import dev.vigil.server.governance.LogDefectOpened;
import dev.vigil.server.governance.RuleHealth;
import dev.vigil.server.incidents.IncidentMetricsQuery;
import dev.vigil.server.ingest.LogSources;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.inventory.Coverage;
import dev.vigil.server.inventory.Criticality;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.platform.audit.Actor;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.security.UserService;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The checklist is computed on request: the detection module's active rules and correlations are grouped by the
 * ATT&amp;CK technique and tactic tags Sigma gives them ({@code attack.t1110.001}, {@code attack.credential-access}),
 * then merged with the managed entries in {@code gov_checklist_entries}. A managed entry for a technique is covered
 * by rules tagged with it or with one of its sub-techniques; a tactic-level entry by rules tagged with the tactic.
 * Rule-derived entries are listed only for techniques no managed entry names.
 */
@Service
class JdbcDetectionChecklist implements DetectionChecklist {
    static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    static final List<String> SOURCES =
            List.of("external-advisory", "past-incident", "threat-model", "rule-set", "exercise", "other");
    static final String UNMAPPED = "unmapped";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final UserService users;
    private final RuleService rules;
    private final AlertService alerts;
    private final LogSources logSources;
    private final SourceActivity activity;
    private final InventoryService inventory;
    private final ApplicationEventPublisher events;
    private final Duration silentAfter;
    private final long noisyAlertsPerWeek;
    private final long noisyFalsePositives;
    private final double noisyFalsePositiveShare;
    private final ObjectProvider<IncidentMetricsQuery> incidentOutcomes;

    JdbcDetectionChecklist(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            UserService users,
            RuleService rules,
            AlertService alerts,
            LogSources logSources,
            SourceActivity activity,
            InventoryService inventory,
            ApplicationEventPublisher events,
            @Value("${vigil.governance.silent-after:PT24H}") Duration silentAfter,
            @Value("${vigil.governance.noisy-alerts-per-week:100}") long noisyAlertsPerWeek,
            @Value("${vigil.governance.noisy-false-positives:3}") long noisyFalsePositives,
            @Value("${vigil.governance.noisy-false-positive-share:0.5}") double noisyFalsePositiveShare,
            ObjectProvider<IncidentMetricsQuery> incidentOutcomes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.users = users;
        this.rules = rules;
        this.alerts = alerts;
        this.logSources = logSources;
        this.activity = activity;
        this.inventory = inventory;
        this.events = events;
        this.silentAfter = silentAfter;
        this.noisyAlertsPerWeek = noisyAlertsPerWeek;
        this.noisyFalsePositives = noisyFalsePositives;
        this.noisyFalsePositiveShare = noisyFalsePositiveShare;
        this.incidentOutcomes = incidentOutcomes;
    }

    // ---------------------------------------------------------------- the checklist

    /** ATT&CK technique ids of a rule's tags, upper-case, once each. */
    static List<String> techniques(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            String t = tag.toLowerCase(Locale.ROOT);
            if (t.startsWith("attack.t")) {
                String id = t.substring(7).toUpperCase(Locale.ROOT);
                if (TECHNIQUE.matcher(id).matches() && !out.contains(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    private record Tagged(ChecklistEntry.RuleRef ref, List<String> techniques, List<String> tactics) {}

    private List<Tagged> activeRules() {
        List<Tagged> out = new ArrayList<>();
        for (DetectionRule r : rules.list()) {
            if (!r.active() || r.kind().equals("filter")) {
                continue;
            }
            List<String> tactics = AttackTactics.of(r.tags());
            List<String> techniques = techniques(r.tags());
            if (tactics.isEmpty() && techniques.isEmpty()) {
                continue;
            }
            out.add(new Tagged(
                    new ChecklistEntry.RuleRef(r.ref(), r.title(), r.kind(), r.level()), techniques, tactics));
        }
        return out;
    }

    private List<ChecklistEntry> managedEntries() {
        return jdbc.sql("select * from gov_checklist_entries order by tactic, technique nulls first, title")
                .query((rs, n) -> entry(rs, List.of(), List.of()))
                .list();
    }

    @Override
    public Checklist checklist(Instant asOf) {
        List<Tagged> active = activeRules();
        List<ChecklistEntry> entries = new ArrayList<>();
        Set<String> managedTechniques = new HashSet<>();
        Set<String> managedTactics = new HashSet<>();
        Map<String, String> missingCache = new HashMap<>();
        for (ChecklistEntry m : managedEntries()) {
            List<ChecklistEntry.RuleRef> covering = new ArrayList<>();
            for (Tagged t : active) {
                boolean hit = m.technique() == null
                        ? t.tactics().contains(m.tactic())
                        : t.techniques().stream()
                                .anyMatch(x -> x.equals(m.technique()) || x.startsWith(m.technique() + "."));
                if (hit) {
                    covering.add(t.ref());
                }
            }
            List<String> missing = new ArrayList<>();
            for (String s : m.requiredSources()) {
                if (missingCache.computeIfAbsent(s, x -> sourceProblem(x, asOf)) != null) {
                    missing.add(s);
                }
            }
            entries.add(withRules(m, covering, missing));
            if (m.technique() != null) {
                managedTechniques.add(m.technique());
            } else {
                managedTactics.add(m.tactic());
            }
        }
        // rule-derived entries: (tactic, technique) pairs from the tags of the same rule
        Map<String, List<ChecklistEntry.RuleRef>> derived = new TreeMap<>();
        Map<String, String[]> keyParts = new HashMap<>();
        for (Tagged t : active) {
            List<String> tactics = t.tactics().isEmpty() ? List.of(UNMAPPED) : t.tactics();
            for (String tactic : tactics) {
                if (t.techniques().isEmpty()) {
                    if (!managedTactics.contains(tactic)) {
                        String k = tactic + "|";
                        derived.computeIfAbsent(k, x -> new ArrayList<>()).add(t.ref());
                        keyParts.put(k, new String[] {tactic, null});
                    }
                    continue;
                }
                for (String technique : t.techniques()) {
                    if (managedTechniques.contains(technique) || coveredByParent(technique, managedTechniques)) {
                        continue;
                    }
                    String k = tactic + "|" + technique;
                    derived.computeIfAbsent(k, x -> new ArrayList<>()).add(t.ref());
                    keyParts.put(k, new String[] {tactic, technique});
                }
            }
        }
        for (Map.Entry<String, List<ChecklistEntry.RuleRef>> e : derived.entrySet()) {
            String[] parts = keyParts.get(e.getKey());
            String title = parts[1] == null
                    ? "Rules for tactic " + parts[0]
                    : "Technique " + parts[1] + " (" + e.getValue().size() + " rules)";
            entries.add(new ChecklistEntry(
                    null,
                    parts[1],
                    parts[0],
                    title,
                    null,
                    "rule-set",
                    null,
                    null,
                    null,
                    null,
                    List.of(),
                    List.copyOf(e.getValue()),
                    List.of()));
        }
        entries.sort(Comparator.comparingInt((ChecklistEntry c) -> tacticOrder(c.tactic()))
                .thenComparing(c -> c.technique() == null ? "" : c.technique())
                .thenComparing(ChecklistEntry::title));
        return new Checklist(asOf, entries, heatmap(entries, active));
    }

    private static boolean coveredByParent(String technique, Set<String> managed) {
        int dot = technique.indexOf('.');
        return dot > 0 && managed.contains(technique.substring(0, dot));
    }

    static int tacticOrder(String tactic) {
        int i = AttackTactics.ORDER.indexOf(tactic);
        return i < 0 ? AttackTactics.ORDER.size() : i;
    }

    private static List<Checklist.TacticRow> heatmap(List<ChecklistEntry> entries, List<Tagged> active) {
        Map<String, Map<String, Checklist.Cell>> rows = new LinkedHashMap<>();
        for (String tactic : AttackTactics.ORDER) {
            rows.put(tactic, new TreeMap<>());
        }
        Map<String, Integer> rulesPerTactic = new HashMap<>();
        for (Tagged t : active) {
            for (String tactic : t.tactics().isEmpty() ? List.of(UNMAPPED) : t.tactics()) {
                rulesPerTactic.merge(tactic, 1, Integer::sum);
            }
        }
        for (ChecklistEntry e : entries) {
            if (e.technique() == null) {
                continue;
            }
            Map<String, Checklist.Cell> row = rows.computeIfAbsent(e.tactic(), x -> new TreeMap<>());
            Checklist.Cell old = row.get(e.technique());
            Checklist.Cell cell = new Checklist.Cell(
                    e.technique(),
                    Math.max(e.rules().size(), old == null ? 0 : old.rules()),
                    e.managed() || (old != null && old.managed()),
                    e.managed() && !e.covered(),
                    !e.missingSources().isEmpty() || (old != null && old.missingLogs()));
            row.put(e.technique(), cell);
        }
        List<Checklist.TacticRow> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Checklist.Cell>> r : rows.entrySet()) {
            out.add(new Checklist.TacticRow(
                    r.getKey(),
                    rulesPerTactic.getOrDefault(r.getKey(), 0),
                    List.copyOf(r.getValue().values())));
        }
        return out;
    }

    @Override
    public Map<String, Object> navigatorLayer(Instant asOf) {
        Checklist c = checklist(asOf);
        List<Map<String, Object>> techniques = new ArrayList<>();
        int max = 1;
        for (ChecklistEntry e : c.entries()) {
            if (e.technique() == null) {
                continue;
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("techniqueID", e.technique());
            if (!e.tactic().equals(UNMAPPED)) {
                t.put("tactic", e.tactic());
            }
            t.put("score", e.rules().size());
            max = Math.max(max, e.rules().size());
            StringBuilder comment = new StringBuilder();
            if (e.managed()) {
                comment.append(e.title())
                        .append(" (owner ")
                        .append(e.owner())
                        .append(", source ")
                        .append(e.source());
                comment.append(", review due ").append(e.reviewDue()).append(")");
                if (!e.covered()) {
                    comment.append(" — GAP: no active rule yet");
                    t.put("color", "#ff6666");
                }
                if (!e.missingSources().isEmpty()) {
                    comment.append(" — missing log data: ").append(String.join(", ", e.missingSources()));
                }
            } else {
                comment.append("covered by rules (no managed entry)");
            }
            t.put("comment", comment.toString());
            t.put("enabled", true);
            List<Map<String, String>> metadata = new ArrayList<>();
            for (ChecklistEntry.RuleRef r : e.rules()) {
                metadata.add(Map.of("name", r.kind(), "value", r.title() + " [" + r.ref() + "]"));
            }
            t.put("metadata", metadata);
            t.put("showSubtechniques", false);
            techniques.add(t);
        }
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("name", "Vigil detection checklist");
        layer.put("versions", Map.of("attack", "17", "navigator", "5.1.0", "layer", "4.5"));
        layer.put("domain", "enterprise-attack");
        layer.put(
                "description",
                "Active Sigma rules and correlations by ATT&CK technique, plus the managed checklist entries, as of "
                        + asOf.truncatedTo(ChronoUnit.SECONDS));
        layer.put("sorting", 3);
        layer.put("hideDisabled", false);
        layer.put("techniques", techniques);
        layer.put("gradient", Map.of("colors", List.of("#ffffff", "#66b1ff"), "minValue", 0, "maxValue", max));
        layer.put(
                "legendItems",
                List.of(
                        Map.of("label", "covered by active rules (score = rules)", "color", "#66b1ff"),
                        Map.of("label", "managed entry without rule (gap)", "color", "#ff6666")));
        layer.put("showTacticRowBackground", false);
        layer.put("selectTechniquesAcrossTactics", true);
        layer.put("selectSubtechniquesWithParent", false);
        return layer;
    }

    // ---------------------------------------------------------------- managed entries

    private record ValidEntry(
            String technique,
            String tactic,
            String title,
            String description,
            String source,
            String sourceRef,
            String owner,
            LocalDate reviewDue,
            List<String> requiredSources) {}

    private ValidEntry validate(ChecklistEntryRequest r) {
        String technique = null;
        if (r.technique() != null && !r.technique().isBlank()) {
            technique = r.technique().strip().toUpperCase(Locale.ROOT);
            if (!TECHNIQUE.matcher(technique).matches()) {
                throw new IllegalArgumentException("technique must be an ATT&CK technique id like T1110 or T1110.001");
            }
        }
        String tactic = Checks.required(r.tactic(), "tactic", 40)
                .toLowerCase(Locale.ROOT)
                .replace('_', '-');
        if (!AttackTactics.ORDER.contains(tactic)) {
            throw new IllegalArgumentException("unknown ATT&CK tactic '" + r.tactic() + "' (expected one of "
                    + String.join(", ", AttackTactics.ORDER) + ")");
        }
        String title = Checks.required(r.title(), "title", 200);
        String source = Checks.oneOf(r.source(), "source", SOURCES, null);
        String owner = users.findByUsername(Checks.required(r.owner(), "owner", 200))
                .map(u -> u.username())
                .orElseThrow(() -> new IllegalArgumentException("owner: no user '" + r.owner() + "'"));
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate due = r.reviewDue() == null ? today.plusYears(1) : r.reviewDue();
        List<String> required = new ArrayList<>();
        for (String s : Checks.names(r.requiredSources(), "requiredSources")) {
            required.add(dev.vigil.server.ingest.LogSource.checkName(s.toLowerCase(Locale.ROOT)));
        }
        return new ValidEntry(
                technique,
                tactic,
                title,
                Checks.optional(r.description(), "description", 10_000),
                source,
                Checks.optional(r.sourceRef(), "sourceRef", 1000),
                owner,
                due,
                required);
    }

    @Override
    @Transactional
    public ChecklistEntry createEntry(ChecklistEntryRequest r) {
        ValidEntry v = validate(r);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            jdbc.sql("""
                            insert into gov_checklist_entries (id, technique, tactic, title, description, source,
                                source_ref, owner, review_due, required_sources, created_at, updated_at)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?)""")
                    .params(
                            id,
                            v.technique(),
                            v.tactic(),
                            v.title(),
                            v.description(),
                            v.source(),
                            v.sourceRef(),
                            v.owner(),
                            Date.valueOf(v.reviewDue()),
                            textArray(v.requiredSources()),
                            ts(now),
                            ts(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("the checklist has this entry already");
        }
        ChecklistEntry created = requireEntry(id);
        audit.record("created", "checklist-entry", id.toString(), null, created);
        return created;
    }

    @Override
    @Transactional
    public ChecklistEntry updateEntry(UUID id, ChecklistEntryRequest r) {
        ChecklistEntry before = requireEntry(id);
        ValidEntry v = validate(r);
        try {
            jdbc.sql("""
                            update gov_checklist_entries set technique = ?, tactic = ?, title = ?, description = ?,
                                source = ?, source_ref = ?, owner = ?, review_due = ?, required_sources = ?::text[],
                                updated_at = ? where id = ?""")
                    .params(
                            v.technique(),
                            v.tactic(),
                            v.title(),
                            v.description(),
                            v.source(),
                            v.sourceRef(),
                            v.owner(),
                            Date.valueOf(v.reviewDue()),
                            textArray(v.requiredSources()),
                            ts(clock.instant()),
                            id)
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("the checklist has this entry already");
        }
        ChecklistEntry after = requireEntry(id);
        audit.record("updated", "checklist-entry", id.toString(), before, after);
        return after;
    }

    @Override
    @Transactional
    public boolean deleteEntry(UUID id) {
        Optional<ChecklistEntry> before = entry(id);
        if (before.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from gov_checklist_entries where id = ?").param(id).update();
        audit.record("deleted", "checklist-entry", id.toString(), before.get(), null);
        return true;
    }

    @Override
    @Transactional
    public ChecklistEntry reviewEntry(UUID id, LocalDate nextDue) {
        ChecklistEntry before = requireEntry(id);
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate due = nextDue == null ? today.plusYears(1) : nextDue;
        if (!due.isAfter(today)) {
            throw new IllegalArgumentException("the next review must be after today");
        }
        jdbc.sql("update gov_checklist_entries set last_reviewed_at = ?, review_due = ?, updated_at = ? where id = ?")
                .params(ts(now), Date.valueOf(due), ts(now), id)
                .update();
        ChecklistEntry after = requireEntry(id);
        audit.record("reviewed", "checklist-entry", id.toString(), before, after);
        return after;
    }

    private Optional<ChecklistEntry> entry(UUID id) {
        return jdbc.sql("select * from gov_checklist_entries where id = ?")
                .param(id)
                .query((rs, n) -> entry(rs, List.of(), List.of()))
                .optional();
    }

    private ChecklistEntry requireEntry(UUID id) {
        return entry(id).orElseThrow(() -> new NoSuchElementException("no checklist entry " + id));
    }

    private static ChecklistEntry withRules(
            ChecklistEntry e, List<ChecklistEntry.RuleRef> rules, List<String> missing) {
        return new ChecklistEntry(
                e.id(),
                e.technique(),
                e.tactic(),
                e.title(),
                e.description(),
                e.source(),
                e.sourceRef(),
                e.owner(),
                e.reviewDue(),
                e.lastReviewedAt(),
                e.requiredSources(),
                List.copyOf(rules),
                List.copyOf(missing));
    }

    private static ChecklistEntry entry(ResultSet rs, List<ChecklistEntry.RuleRef> rules, List<String> missing)
            throws SQLException {
        return new ChecklistEntry(
                rs.getObject("id", UUID.class),
                rs.getString("technique"),
                rs.getString("tactic"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("source"),
                rs.getString("source_ref"),
                rs.getString("owner"),
                rs.getObject("review_due", LocalDate.class),
                instant(rs, "last_reviewed_at"),
                list(rs, "required_sources"),
                rules,
                missing);
    }

    // ---------------------------------------------------------------- missing-log defects

    /** {@code SOURCE_NOT_CONFIGURED}, {@code SOURCE_SILENT} or null when the source delivers. */
    private String sourceProblem(String source, Instant asOf) {
        if (logSources.find(source).isEmpty()) {
            return "SOURCE_NOT_CONFIGURED";
        }
        Instant last = activity.stats(source).map(SourceStats::lastSeen).orElse(null);
        if (last == null || last.isBefore(asOf.minus(silentAfter))) {
            return "SOURCE_SILENT";
        }
        return null;
    }

    private record Problem(
            String kind, String subject, String name, String source, String reason, String owner, int dueDays) {}

    @Override
    @Transactional
    public List<LogDefect> scanLogDefects(Instant asOf) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> cache = new HashMap<>();
        for (ChecklistEntry e : managedEntries()) {
            for (String s : e.requiredSources()) {
                String reason = cache.computeIfAbsent(
                        s, x -> Optional.ofNullable(sourceProblem(x, asOf)).orElse(""));
                if (!reason.isEmpty()) {
                    String name = (e.technique() == null ? e.tactic() : e.technique()) + " " + e.title();
                    problems.add(new Problem("checklist", e.id().toString(), name, s, reason, e.owner(), 7));
                }
            }
        }
        for (Coverage c : inventory.flagged(asOf)) {
            for (Coverage.Flag f : c.flags()) {
                if (f.source() == null
                        || !(f.code().equals("SOURCE_NOT_CONFIGURED")
                                || f.code().equals("SOURCE_SILENT"))) {
                    continue;
                }
                int days = c.application().criticality() == Criticality.CRITICAL
                        ? 2
                        : c.application().criticality() == Criticality.HIGH ? 5 : 14;
                problems.add(new Problem(
                        "application",
                        c.application().name(),
                        c.application().name(),
                        f.source(),
                        f.code(),
                        c.application().owner(),
                        days));
            }
        }
        List<LogDefect> openBefore = defects("open");
        Set<String> current = new HashSet<>();
        List<LogDefect> opened = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(asOf, ZoneOffset.UTC);
        for (Problem p : problems) {
            String k = p.kind() + "|" + p.subject() + "|" + p.source();
            if (!current.add(k)) {
                continue;
            }
            boolean exists = openBefore.stream()
                    .anyMatch(d -> d.subjectKind().equals(p.kind())
                            && d.subject().equals(p.subject())
                            && d.source().equals(p.source()));
            if (exists) {
                continue;
            }
            String message = (p.reason().equals("SOURCE_NOT_CONFIGURED")
                            ? "log source '" + p.source() + "' is not configured"
                            : "log source '" + p.source() + "' has delivered nothing for " + silentAfter.toHours()
                                    + " hours")
                    + " (needed by " + p.kind() + " " + p.name() + ")";
            UUID id = UUID.randomUUID();
            jdbc.sql("""
                            insert into gov_log_defects (id, subject_kind, subject, subject_name, source, reason,
                                message, owner, due_date, status, opened_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
                            on conflict do nothing""")
                    .params(
                            id,
                            p.kind(),
                            p.subject(),
                            p.name(),
                            p.source(),
                            p.reason(),
                            message,
                            p.owner(),
                            Date.valueOf(today.plusDays(p.dueDays())),
                            ts(asOf))
                    .update();
            LogDefect d = defect(id).orElse(null);
            if (d != null) {
                opened.add(d);
                events.publishEvent(new LogDefectOpened(d));
                // audited per defect: outgoing webhooks deliver it as "log-defect.opened" to the issue tracker
                audit.record(Actor.SYSTEM, "opened", "log-defect", d.id().toString(), null, d);
            }
        }
        List<LogDefect> resolved = new ArrayList<>();
        for (LogDefect d : openBefore) {
            if (!current.contains(d.subjectKind() + "|" + d.subject() + "|" + d.source())) {
                jdbc.sql("""
                                update gov_log_defects set status = 'resolved', resolved_at = ?, resolution = ?
                                where id = ? and status = 'open'""")
                        .params(ts(asOf), "log source delivers again (found by the scan)", d.id())
                        .update();
                resolved.add(d);
                audit.record(
                        Actor.SYSTEM,
                        "resolved",
                        "log-defect",
                        d.id().toString(),
                        d,
                        defect(d.id()).orElse(null));
            }
        }
        return opened;
    }

    @Override
    public List<LogDefect> defects(String status) {
        if (status == null) {
            return jdbc.sql("select * from gov_log_defects order by opened_at desc, id desc")
                    .query(JdbcDetectionChecklist::defect)
                    .list();
        }
        String s = Checks.oneOf(status, "status", List.of("open", "resolved"), null);
        return jdbc.sql("select * from gov_log_defects where status = ? order by opened_at desc, id desc")
                .param(s)
                .query(JdbcDetectionChecklist::defect)
                .list();
    }

    /** Served by {@code gov_log_defects_listed_idx} / {@code gov_log_defects_status_listed_idx}. */
    static final dev.vigil.server.platform.jdbc.Keyset DEFECT_ORDER = new dev.vigil.server.platform.jdbc.Keyset(
            "log-defects",
            "opened_at",
            dev.vigil.server.platform.jdbc.Keyset.Kind.TIMESTAMP,
            "id",
            dev.vigil.server.platform.jdbc.Keyset.Kind.UUID);

    @Override
    public dev.vigil.server.platform.api.Page<LogDefect> defects(
            String status, dev.vigil.server.platform.api.PageQuery page) {
        dev.vigil.server.platform.jdbc.SqlFilter where = new dev.vigil.server.platform.jdbc.SqlFilter();
        if (status != null) {
            where.and("status = ?", Checks.oneOf(status, "status", List.of("open", "resolved"), null));
        }
        return DEFECT_ORDER.page(
                jdbc,
                where,
                "gov_log_defects",
                "select * from gov_log_defects",
                page,
                page.descendingBy("openedAt"),
                JdbcDetectionChecklist::defect,
                LogDefect::openedAt,
                LogDefect::id);
    }

    private Optional<LogDefect> defect(UUID id) {
        return jdbc.sql("select * from gov_log_defects where id = ?")
                .param(id)
                .query(JdbcDetectionChecklist::defect)
                .optional();
    }

    @Override
    @Transactional
    public LogDefect resolveDefect(UUID id, String resolution) {
        LogDefect before = defect(id).orElseThrow(() -> new NoSuchElementException("no defect " + id));
        String res = Checks.required(resolution, "resolution", 2000);
        int n = jdbc.sql("""
                        update gov_log_defects set status = 'resolved', resolved_at = ?, resolution = ?
                        where id = ? and status = 'open'""").params(ts(clock.instant()), res, id).update();
        if (n == 0) {
            throw new IllegalStateException("defect " + id + " is resolved already");
        }
        LogDefect after = defect(id).orElseThrow();
        audit.record("resolved", "log-defect", id.toString(), before, after);
        return after;
    }

    private static LogDefect defect(ResultSet rs, int n) throws SQLException {
        return new LogDefect(
                rs.getObject("id", UUID.class),
                rs.getString("subject_kind"),
                rs.getString("subject"),
                rs.getString("subject_name"),
                rs.getString("source"),
                rs.getString("reason"),
                rs.getString("message"),
                rs.getString("owner"),
                rs.getObject("due_date", LocalDate.class),
                rs.getString("status"),
                instant(rs, "opened_at"),
                instant(rs, "resolved_at"),
                rs.getString("resolution"));
    }

    // ---------------------------------------------------------------- rule health

    private record Review(Instant at, String by, String verdict) {}

    @Override
    public List<RuleHealth> ruleHealth(Instant asOf) {
        Map<String, Review> reviews = new HashMap<>();
        jdbc.sql("""
                        select distinct on (rule_ref) rule_ref, reviewed_at, reviewed_by, verdict from gov_rule_reviews
                        order by rule_ref, reviewed_at desc""").query(rs -> {
            reviews.put(
                    rs.getString("rule_ref"),
                    new Review(instant(rs, "reviewed_at"), rs.getString("reviewed_by"), rs.getString("verdict")));
        });
        Map<String, Long> total = alerts.countsByRule(null, null);
        Map<String, Long> week = alerts.countsByRule(asOf.minus(Duration.ofDays(7)), asOf);
        Map<String, IncidentMetricsQuery.RuleOutcomes> outcomes = outcomes();
        List<RuleHealth> out = new ArrayList<>();
        for (DetectionRule r : rules.list()) {
            out.add(health(
                    r,
                    reviews.get(r.ref()),
                    total.getOrDefault(r.ref(), 0L),
                    week.getOrDefault(r.ref(), 0L),
                    outcomes));
        }
        out.sort(Comparator.comparing(RuleHealth::noisy)
                .reversed()
                .thenComparing(
                        Comparator.comparingLong(RuleHealth::alertsLastWeek).reversed())
                .thenComparing(RuleHealth::ref));
        return out;
    }

    /** How each rule's alerts turned out in incidents; null without the incidents module. */
    private Map<String, IncidentMetricsQuery.RuleOutcomes> outcomes() {
        IncidentMetricsQuery q = incidentOutcomes.getIfAvailable();
        return q == null ? null : q.outcomesByRule();
    }

    private RuleHealth health(
            DetectionRule r,
            Review review,
            long total,
            long week,
            Map<String, IncidentMetricsQuery.RuleOutcomes> outcomes) {
        IncidentMetricsQuery.RuleOutcomes o =
                outcomes == null ? null : outcomes.getOrDefault(r.ref(), new IncidentMetricsQuery.RuleOutcomes(0, 0));
        RuleStats s = r.stats() == null ? RuleStats.NONE : r.stats();
        Instant asOf = clock.instant();
        List<String> noise = new ArrayList<>();
        if (week >= noisyAlertsPerWeek) {
            noise.add("alert-volume");
        }
        if (s.suppressed() > 0) {
            noise.add("rate-limited");
        }
        if (o != null
                && o.falsePositives() >= noisyFalsePositives
                && o.falsePositives() >= noisyFalsePositiveShare * o.judged()) {
            noise.add("false-positives");
        }
        boolean reviewDue = review == null || review.at().isBefore(asOf.minus(Duration.ofDays(365)));
        return new RuleHealth(
                r.ref(),
                r.title(),
                r.kind(),
                r.level(),
                r.enabled(),
                r.active(),
                s.matches(),
                s.suppressed(),
                s.errors(),
                s.lastMatch(),
                total,
                week,
                o == null ? null : o.judged(),
                o == null ? null : o.falsePositives(),
                review == null ? null : review.at(),
                review == null ? null : review.by(),
                review == null ? null : review.verdict(),
                List.copyOf(noise),
                reviewDue);
    }

    @Override
    @Transactional
    public RuleHealth reviewRule(String ref, String verdict, String notes) {
        DetectionRule r = rules.get(ref).orElseThrow(() -> new NoSuchElementException("no rule '" + ref + "'"));
        String v = Checks.oneOf(verdict, "verdict", List.of("keep", "tune", "disable"), null);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String by = Actor.current().name();
        String n = Checks.optional(notes, "notes", 5000);
        jdbc.sql("""
                        insert into gov_rule_reviews (id, rule_ref, reviewed_by, reviewed_at, verdict, notes)
                        values (?, ?, ?, ?, ?, ?)""").params(UUID.randomUUID(), r.ref(), by, ts(now), v, n).update();
        audit.record(
                "reviewed",
                "rule-review",
                r.ref(),
                null,
                Map.of("verdict", v, "notes", n == null ? "" : n, "reviewedBy", by));
        return health(
                r,
                new Review(now, by, v),
                alerts.countByRule(r.ref()),
                alerts.countsByRule(now.minus(Duration.ofDays(7)), now).getOrDefault(r.ref(), 0L),
                outcomes());
    }
}
