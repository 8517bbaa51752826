package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertService;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.Incident;
import dev.vigil.server.incidents.IncidentAlert;
import dev.vigil.server.incidents.IncidentEvents;
import dev.vigil.server.incidents.IncidentFacts;
import dev.vigil.server.incidents.IncidentLink;
import dev.vigil.server.incidents.IncidentQuery;
import dev.vigil.server.incidents.IncidentService;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.IncidentStatistics;
import dev.vigil.server.incidents.IncidentStatus;
import dev.vigil.server.incidents.IncidentTask;
import dev.vigil.server.incidents.IncidentUpdate;
import dev.vigil.server.incidents.NewIncident;
import dev.vigil.server.incidents.Observable;
import dev.vigil.server.incidents.Participant;
import dev.vigil.server.incidents.Phase;
import dev.vigil.server.incidents.TriageResult;
import dev.vigil.server.platform.api.Page;
import dev.vigil.server.platform.api.PageQuery;
import dev.vigil.server.platform.audit.AuditLog;
import dev.vigil.server.platform.jdbc.Keyset;
import dev.vigil.server.platform.jdbc.SqlFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The incident record and its life cycle. Each operation locks the incident row, applies the change, writes the
 * timeline, records the audit entry and publishes the {@link IncidentEvents} event in one transaction, then lets the
 * obligation service re-evaluate which notification obligations apply and when they are due.
 *
 * <p>Grouping ({@link #ingest}, {@link #ingestAll} for a batch in one transaction): triage decides the attributes and
 * the grouping key; the alert joins the newest open incident with that key whose last alert lies within the window,
 * else it opens a new incident. PostgreSQL advisory locks on the keys (a batch takes all of its keys first, in sorted
 * order) serialise concurrent alerts of one group, so they never open two incidents. An alert with the
 * same rule and entities as one already in the incident is counted on that one (a duplicate), not listed again.
 */
@Service
class DefaultIncidentService implements IncidentService, IncidentStatistics {
    private static final Map<String, String> ENTITY_OBSERVABLES = Map.of(
            "src_ip", "ip", "dst_ip", "ip", "user", "user", "host", "host", "process", "file", "url", "url", "domain",
            "domain", "hash", "hash", "email", "email");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final IncidentRepository repo;
    private final Timeline timeline;
    private final DefaultTaskService tasks;
    private final DefaultPlaybookService playbooks;
    private final DefaultObligationService obligations;
    private final DefaultRcaService rca;
    private final JdbcTaxonomyService taxonomy;
    private final DefaultTriageService triage;
    private final AlertService alerts;
    private final MeterRegistry meters;

    DefaultIncidentService(
            JdbcClient jdbc,
            Clock clock,
            AuditLog audit,
            ApplicationEventPublisher events,
            IncidentRepository repo,
            Timeline timeline,
            DefaultTaskService tasks,
            DefaultPlaybookService playbooks,
            DefaultObligationService obligations,
            DefaultRcaService rca,
            JdbcTaxonomyService taxonomy,
            DefaultTriageService triage,
            AlertService alerts,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.events = events;
        this.repo = repo;
        this.timeline = timeline;
        this.tasks = tasks;
        this.playbooks = playbooks;
        this.obligations = obligations;
        this.rca = rca;
        this.taxonomy = taxonomy;
        this.triage = triage;
        this.alerts = alerts;
        this.meters = meters;
    }

    // --- creating

    @Override
    @Transactional
    public Incident create(NewIncident r) {
        Instant now = clock.instant();
        Classification c = r.classification() == null ? Classification.UNDETERMINED : r.classification();
        taxonomy.requireActive(c);
        IncidentSeverity severity = r.severity() == null ? IncidentSeverity.MEDIUM : r.severity();
        int priority = r.priority() == null ? TriageEvaluator.priorityOf(severity) : checkPriority(r.priority());
        Map<String, Incident.TriageDecision> decisions = new LinkedHashMap<>();
        String who = Timeline.actorName();
        decisions.put("severity", new Incident.TriageDecision("manual:" + who, severity.id()));
        decisions.put("priority", new Incident.TriageDecision("manual:" + who, "P" + priority));
        decisions.put("classification", new Incident.TriageDecision("manual:" + who, c.toString()));
        Instant detected = r.detectedAt() == null ? now : notFuture(r.detectedAt(), now, "detectedAt");
        Map<String, Instant> milestones = new TreeMap<>();
        if (priority == 1) {
            milestones.put("p1", now);
        }
        Incident draft = new Incident(
                UUID.randomUUID(),
                0,
                null,
                Texts.required(r.title(), "title", 300),
                Texts.optional(r.description(), "description", 50000),
                severity,
                priority,
                IncidentStatus.NEW,
                Phase.DETECTION_ANALYSIS,
                null,
                c,
                c,
                null,
                Texts.optional(r.owningTeam(), "owning team", 200),
                Texts.optional(r.lead(), "lead", 200),
                List.of(),
                Texts.list(r.applications(), "applications", true),
                Texts.list(r.assets(), "assets", false),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                null,
                null,
                decisions,
                0,
                null,
                r.occurredAt() == null ? null : notFuture(r.occurredAt(), now, "occurredAt"),
                detected,
                r.reportedAt() == null ? now : notFuture(r.reportedAt(), now, "reportedAt"),
                null,
                null,
                null,
                null,
                milestones,
                null,
                null,
                null,
                null,
                "manual",
                who,
                now,
                now,
                0);
        Incident stored = repo.insert(draft);
        timeline.auto(
                stored.id(), "created", "Incident reported by " + who + ": " + stored.title(), stored.description());
        audit.record("incident.create", "incident", stored.id().toString(), null, stored);
        publishCreated(stored);
        if (r.playbook() != null) {
            playbooks.apply(stored.id(), r.playbook());
        }
        obligations.refresh(stored.id());
        return repo.get(stored.id()).orElseThrow();
    }

    private void publishCreated(Incident i) {
        events.publishEvent(new IncidentEvents.IncidentCreated(
                i.id(),
                i.reference(),
                i.title(),
                i.severity(),
                i.priority(),
                i.classification() == null ? null : i.classification().toString(),
                i.owningTeam(),
                i.escalationPolicy(),
                i.source(),
                i.createdAt()));
        meters.counter("vigil.incidents.created", "severity", i.severity().id(), "source", i.source())
                .increment();
    }

    /** The structured record of a phase change (metrics: time in each phase), beside its timeline entry. */
    private void recordPhaseChange(
            UUID id, dev.vigil.server.incidents.Phase from, dev.vigil.server.incidents.Phase to) {
        jdbc.sql("""
                        insert into incident_phase_changes (incident_id, at, from_phase, to_phase, actor)
                        values (?, ?, ?, ?, ?)""")
                .params(id, Timestamp.from(clock.instant()), from.id(), to.id(), Timeline.actorName())
                .update();
    }

    /** Groups one alert (idempotent: an alert already in an incident is ignored). Returns the incident, if any. */
    @Transactional
    public Optional<Incident> ingest(Alert a) {
        ingestAll(List.of(a));
        return repo.incidentOf(a.id()).flatMap(repo::get);
    }

    /**
     * Groups a batch of alerts in one transaction, in order, by exactly the rules that group one alert (same triage,
     * grouping key and window, duplicates, timeline entries, observables, audit entries and events): the result is
     * the one of ingesting the alerts one after another. Alerts already in an incident (a redelivered batch) and ids
     * repeated in the batch are skipped. The grouping keys of the whole batch are locked first, in one sorted order,
     * so concurrent batches sharing keys serialise without deadlocking; notification obligations are re-evaluated
     * once per touched incident at the end (joining alerts only ever raise severity, lower priority and add
     * milestones, so what applies after the last alert is what applied after any of them). Returns the incidents the
     * batch opened or joined, in the order first touched.
     */
    @Transactional
    public List<UUID> ingestAll(List<Alert> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Set<UUID> skip =
                new HashSet<>(repo.groupedAmong(batch.stream().map(Alert::id).toList()));
        java.util.function.Function<Alert, TriageResult> triageOf = triage.forBatch();
        record Planned(Alert alert, TriageResult triage, String groupKey) {}
        List<Planned> plan = new ArrayList<>(batch.size());
        for (Alert a : batch) {
            if (!skip.add(a.id())) {
                continue;
            }
            TriageResult t = triageOf.apply(a);
            if (t.suppressed()) {
                meters.counter("vigil.incidents.alerts.suppressed").increment();
                continue;
            }
            plan.add(new Planned(a, t, groupKey(a, t)));
        }
        if (plan.isEmpty()) {
            return List.of();
        }
        repo.lockGroups(plan.stream().map(Planned::groupKey).toList());
        Set<UUID> touched = new java.util.LinkedHashSet<>();
        Batch b = new Batch();
        for (Planned p : plan) {
            Alert a = p.alert();
            Instant since = a.createdAt().minus(p.triage().groupWindow());
            UUID open = b.openFor(p.groupKey(), since);
            if (open == null) {
                open = repo.openForGroup(p.groupKey(), since).orElse(null);
            }
            if (open != null) {
                join(b, open, a, p.triage());
                b.byKey.put(p.groupKey(), open);
                touched.add(open);
                continue;
            }
            UUID exercise = a.exerciseId();
            Incident created = openFromAlert(
                    a,
                    p.triage(),
                    exercise == null ? "alert" : dev.vigil.server.normalize.ExerciseTag.incidentSource(exercise),
                    false);
            repo.setGroupKey(created.id(), p.groupKey());
            b.byKey.put(p.groupKey(), created.id());
            touched.add(created.id());
        }
        for (UUID id : b.dirty) {
            repo.update(b.locked.get(id));
        }
        for (UUID id : touched) {
            obligations.refresh(id);
        }
        return List.copyOf(touched);
    }

    /**
     * What one batch knows of the incidents it joined: their rows are locked to the end of the transaction, so the
     * state here is the truth. Alerts joining an incident change it in memory ({@code dirty}: written once at the
     * end of the batch, or at once when an alert escalates it, so that the audit entry shows the stored row); the
     * listed fingerprints of each incident are read once.
     */
    private static final class Batch {
        final Map<String, UUID> byKey = new HashMap<>();
        final Map<UUID, Incident> locked = new HashMap<>();
        final Set<UUID> dirty = new java.util.LinkedHashSet<>();
        final Map<UUID, Map<String, UUID>> listed = new HashMap<>();

        /** The incident of this key joined in this batch, if it still takes alerts seen after {@code since}. */
        UUID openFor(String key, Instant since) {
            UUID id = byKey.get(key);
            Incident i = id == null ? null : locked.get(id);
            if (i == null
                    || !i.status().open()
                    || i.lastAlertAt() == null
                    || i.lastAlertAt().isBefore(since)) {
                return null;
            }
            return id;
        }
    }

    /**
     * The grouping key of an alert: triage's parts; an exercise's alerts never join a production incident, nor
     * production alerts an exercise's.
     */
    private static String groupKey(Alert a, TriageResult t) {
        String groupKey = TriageEvaluator.groupKey(t.groupBy(), a);
        UUID exercise = a.exerciseId();
        return exercise == null ? groupKey : TriageEvaluator.sha256(exercise + "\u001f" + groupKey);
    }

    /**
     * Adds the alert to the incident, locking it on the batch's first join (obligations are refreshed and an
     * unescalated incident's row written by the caller, see {@link Batch}).
     */
    private void join(Batch b, UUID incidentId, Alert a, TriageResult t) {
        Incident i = b.locked.get(incidentId);
        if (i == null) {
            i = repo.lock(incidentId);
        }
        Instant now = clock.instant();
        String fingerprint = TriageEvaluator.fingerprint(a);
        Map<String, UUID> listed = b.listed.computeIfAbsent(incidentId, repo::listedFingerprints);
        Optional<UUID> same = Optional.ofNullable(listed.get(fingerprint));
        repo.addAlert(
                a.id(),
                incidentId,
                a.ruleId(),
                a.ruleTitle(),
                a.level().id(),
                fingerprint,
                same.orElse(null),
                a.createdAt(),
                "system");
        if (same.isEmpty()) {
            listed.put(fingerprint, a.id());
        }
        i = copy(i).counted(i.alertCount() + 1, latest(i.lastAlertAt(), a.createdAt()))
                .build();
        List<String> changed = new ArrayList<>();
        Map<String, Incident.TriageDecision> decisions = new LinkedHashMap<>(i.triage());
        IncidentSeverity severity = i.severity();
        int priority = i.priority();
        Map<String, Instant> milestones = new TreeMap<>(i.milestones());
        if (t.severity().compareTo(severity) > 0) {
            severity = t.severity();
            decisions.put("severity", new Incident.TriageDecision(t.decidedBy().get("severity"), severity.id()));
            changed.add("severity");
        }
        if (t.priority() < priority) {
            priority = t.priority();
            decisions.put("priority", new Incident.TriageDecision(t.decidedBy().get("priority"), "P" + priority));
            changed.add("priority");
            if (priority == 1) {
                milestones.putIfAbsent("p1", now);
            }
        }
        List<String> techniques = merge(i.techniques(), techniques(a.tags()));
        List<String> tactics = merge(i.tactics(), a.tactics());
        List<String> apps =
                a.application() == null ? i.applications() : merge(i.applications(), List.of(a.application()));
        List<String> assets = a.entities().get("host") == null
                ? i.assets()
                : merge(i.assets(), List.of(a.entities().get("host")));
        Instant occurred = earliest(i.occurredAt(), a.eventTime() != null ? a.eventTime() : a.receivedAt());
        Incident next = copy(i).severity(severity)
                .priority(priority)
                .triage(decisions)
                .techniques(techniques)
                .tactics(tactics)
                .applications(apps)
                .assets(assets)
                .occurredAt(occurred)
                .milestones(milestones)
                .updatedAt(now)
                .build();
        Incident updated;
        if (changed.isEmpty()) {
            updated = next;
            b.dirty.add(incidentId);
        } else {
            updated = repo.update(next);
            b.dirty.remove(incidentId);
        }
        b.locked.put(incidentId, updated);
        if (same.isEmpty()) {
            addEntityObservables(updated.id(), a);
            timeline.auto(
                    updated.id(),
                    a.createdAt(),
                    "alert",
                    "Alert: " + a.ruleTitle() + " (" + a.level().id() + ")" + entitySummary(a),
                    a.id().toString());
        }
        if (!changed.isEmpty()) {
            timeline.auto(
                    updated.id(),
                    "change",
                    "Escalated by a new alert: " + String.join(", ", changed) + " now "
                            + updated.severity().id() + "/" + updated.priorityLabel(),
                    null);
            audit.record("incident.escalate", "incident", updated.id().toString(), i, updated);
            events.publishEvent(
                    new IncidentEvents.IncidentUpdated(updated.id(), updated.reference(), changed, "system", now));
        }
        events.publishEvent(new IncidentEvents.AlertGrouped(updated.id(), a.id(), same.isPresent(), now));
        meters.counter("vigil.incidents.alerts.grouped", "duplicate", String.valueOf(same.isPresent()))
                .increment();
    }

    /**
     * Opens an incident for an alert with the triage result (grouping key set by the caller; obligations refreshed
     * here only when {@code refreshObligations}, else by the caller).
     */
    private Incident openFromAlert(Alert a, TriageResult t, String source, boolean refreshObligations) {
        Instant now = clock.instant();
        Map<String, Incident.TriageDecision> decisions = new LinkedHashMap<>();
        decisions.put(
                "severity",
                new Incident.TriageDecision(
                        t.decidedBy().get("severity"), t.severity().id()));
        decisions.put("priority", new Incident.TriageDecision(t.decidedBy().get("priority"), "P" + t.priority()));
        decisions.put(
                "classification",
                new Incident.TriageDecision(
                        t.decidedBy().get("classification"), t.classification().toString()));
        if (t.team() != null) {
            decisions.put("team", new Incident.TriageDecision(t.decidedBy().get("team"), t.team()));
        }
        if (t.playbook() != null) {
            decisions.put("playbook", new Incident.TriageDecision(t.decidedBy().get("playbook"), t.playbook()));
        }
        if (t.escalationPolicy() != null) {
            decisions.put(
                    "escalationPolicy",
                    new Incident.TriageDecision(t.decidedBy().get("escalationPolicy"), t.escalationPolicy()));
        }
        Classification c = t.classification();
        Map<String, Instant> milestones = new TreeMap<>();
        if (t.priority() == 1) {
            milestones.put("p1", now);
        }
        String host = a.entities().get("host");
        Incident draft = new Incident(
                UUID.randomUUID(),
                0,
                null,
                Texts.clip(a.ruleTitle() + entitySummary(a), 300),
                "Opened from alert " + a.id() + " (rule " + a.ruleId() + ", level "
                        + a.level().id() + ", source " + a.source() + ").",
                t.severity(),
                t.priority(),
                IncidentStatus.NEW,
                Phase.DETECTION_ANALYSIS,
                null,
                c,
                c,
                null,
                t.team(),
                null,
                List.of(),
                a.application() == null ? List.of() : List.of(a.application()),
                host == null ? List.of() : List.of(host),
                techniques(a.tags()),
                a.tactics(),
                List.of(),
                List.of(),
                t.escalationPolicy(),
                null,
                decisions,
                0,
                a.createdAt(),
                a.eventTime() != null ? a.eventTime() : a.receivedAt(),
                a.createdAt(),
                null,
                null,
                null,
                null,
                null,
                milestones,
                null,
                null,
                null,
                null,
                source,
                Timeline.actorName(),
                now,
                now,
                0);
        Incident stored = repo.insert(draft);
        repo.addAlert(
                a.id(),
                stored.id(),
                a.ruleId(),
                a.ruleTitle(),
                a.level().id(),
                TriageEvaluator.fingerprint(a),
                null,
                a.createdAt(),
                Timeline.actorName());
        repo.recount(stored.id());
        timeline.auto(
                stored.id(),
                "created",
                "Incident opened from alert: " + a.ruleTitle() + " ("
                        + a.level().id() + ")",
                "Triage: " + t.decidedBy() + (t.matched().isEmpty() ? "" : "; matched rules " + t.matched()));
        timeline.auto(
                stored.id(),
                a.createdAt(),
                "alert",
                "Alert: " + a.ruleTitle() + " (" + a.level().id() + ")" + entitySummary(a),
                a.id().toString());
        addEntityObservables(stored.id(), a);
        Incident now2 = repo.get(stored.id()).orElseThrow();
        audit.record("incident.create", "incident", stored.id().toString(), null, now2);
        publishCreated(now2);
        if (t.playbook() != null
                && playbooks.get(t.playbook()).map(p -> p.active()).orElse(false)) {
            playbooks.apply(stored.id(), t.playbook());
        }
        if (refreshObligations) {
            obligations.refresh(stored.id());
        }
        return repo.get(stored.id()).orElseThrow();
    }

    private static String entitySummary(Alert a) {
        for (String k : List.of("user", "host", "src_ip")) {
            String v = a.entities().get(k);
            if (v != null) {
                return " - " + k + " " + Texts.clip(v, 100);
            }
        }
        return a.application() == null ? "" : " - " + a.application();
    }

    private void addEntityObservables(UUID incidentId, Alert a) {
        Instant now = clock.instant();
        for (Map.Entry<String, String> e : new TreeMap<>(a.entities()).entrySet()) {
            String kind = ENTITY_OBSERVABLES.get(e.getKey());
            if (kind == null || e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            jdbc.sql("""
                            insert into incident_observables (id, incident_id, kind, value, description, ioc, created_at,
                                created_by)
                            values (?, ?, ?, ?, ?, false, ?, 'system') on conflict do nothing""")
                    .params(
                            UUID.randomUUID(),
                            incidentId,
                            kind,
                            Texts.clip(e.getValue(), 2000),
                            "from alert entity " + e.getKey(),
                            Timestamp.from(now))
                    .update();
        }
    }

    static List<String> techniques(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String t : tags) {
            String l = t.toLowerCase(Locale.ROOT);
            if (l.matches("attack\\.t\\d{4}(\\.\\d{3})?")) {
                String id = l.substring(7).toUpperCase(Locale.ROOT);
                if (!out.contains(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    private static List<String> merge(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    // --- reading

    @Override
    public Optional<Incident> get(UUID id) {
        return repo.get(id);
    }

    @Override
    public Optional<Incident> find(String idOrReference) {
        String s = idOrReference == null ? "" : idOrReference.strip();
        if (s.toUpperCase(Locale.ROOT).startsWith("INC-")) {
            try {
                return repo.byNumber(Long.parseLong(s.substring(4)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            return repo.get(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public Page<Incident> find(IncidentQuery query, PageQuery page) {
        return repo.find(query, page);
    }

    @Override
    public long count(IncidentQuery query) {
        return repo.count(query);
    }

    @Override
    public List<IncidentAlert> alerts(UUID id) {
        return repo.alerts(id);
    }

    @Override
    public Page<IncidentAlert> alerts(UUID id, PageQuery page) {
        return repo.alerts(id, page, page.descendingBy("addedAt"));
    }

    @Override
    public Optional<UUID> incidentOf(UUID alertId) {
        return repo.incidentOf(alertId);
    }

    // --- updating

    @Override
    @Transactional
    public Incident update(UUID id, IncidentUpdate u) {
        Incident before = repo.lock(id);
        if (before.status() == IncidentStatus.MERGED) {
            throw new IllegalStateException(before.reference() + " was merged; change the incident it was merged into");
        }
        if (before.status() == IncidentStatus.CLOSED) {
            throw new IllegalStateException(
                    before.reference() + " is closed; reopen it (with a note saying why) to change the record");
        }
        Instant now = clock.instant();
        Builder b = copy(before);
        List<String> changed = new ArrayList<>();
        if (u.title() != null) {
            b.title(Texts.required(u.title(), "title", 300));
        }
        if (u.description() != null) {
            b.description(Texts.optional(u.description(), "description", 50000));
        }
        if (u.severity() != null) {
            b.severity(u.severity());
            b.decide("severity", "manual:" + Timeline.actorName(), u.severity().id());
        }
        if (u.priority() != null) {
            int p = checkPriority(u.priority());
            b.priority(p);
            b.decide("priority", "manual:" + Timeline.actorName(), "P" + p);
            if (p == 1) {
                b.milestone("p1", now, false);
            }
        }
        String phaseNote = null;
        if (u.phase() != null && u.phase() != before.phase()) {
            if (u.phase().ordinal() < before.phase().ordinal()) {
                if (Texts.blank(u.reason()) == null) {
                    throw new IllegalArgumentException("moving the phase back from "
                            + before.phase().id() + " to " + u.phase().id() + " needs a reason");
                }
                phaseNote = u.reason().strip();
            }
            b.phase(u.phase());
        }
        if (u.outcome() != null) {
            b.outcome(u.outcome());
        }
        if (u.classification() != null && !u.classification().equals(before.classification())) {
            taxonomy.requireActive(u.classification());
            b.classification(u.classification());
            b.decide(
                    "classification",
                    "manual:" + Timeline.actorName(),
                    u.classification().toString());
            if (before.firstClassification() == null) {
                b.firstClassification(u.classification());
            }
        }
        if (u.owningTeam() != null) {
            b.owningTeam(Texts.optional(u.owningTeam(), "owning team", 200));
        }
        if (u.lead() != null) {
            b.lead(Texts.optional(u.lead(), "lead", 200));
        }
        if (u.assignees() != null) {
            b.assignees(Texts.list(u.assignees(), "assignees", false));
        }
        if (u.applications() != null) {
            b.applications(Texts.list(u.applications(), "applications", true));
        }
        if (u.assets() != null) {
            b.assets(Texts.list(u.assets(), "assets", false));
        }
        if (u.techniques() != null) {
            List<String> t = Texts.list(u.techniques(), "techniques", false).stream()
                    .map(s -> s.toUpperCase(Locale.ROOT))
                    .toList();
            for (String x : t) {
                if (!x.matches("T\\d{4}(\\.\\d{3})?")) {
                    throw new IllegalArgumentException(
                            "'" + x + "' is not an ATT&CK technique id (T1234 or T1234.001)");
                }
            }
            b.techniques(t);
        }
        if (u.dataTypes() != null) {
            b.dataTypes(Texts.list(u.dataTypes(), "data types", true));
        }
        if (u.jurisdictions() != null) {
            b.jurisdictions(Texts.list(u.jurisdictions(), "jurisdictions", true));
        }
        if (u.escalationPolicy() != null) {
            b.escalationPolicy(Texts.optional(u.escalationPolicy(), "escalation policy", 200));
        }
        if (u.occurredAt() != null) {
            b.occurredAt(notFuture(u.occurredAt(), now, "occurredAt"));
        }
        if (u.reportedAt() != null) {
            b.reportedAt(notFuture(u.reportedAt(), now, "reportedAt"));
        }
        if (u.milestones() != null) {
            for (Map.Entry<String, Instant> e : u.milestones().entrySet()) {
                String k = Texts.key(e.getKey(), "milestone");
                if (e.getValue() == null) {
                    b.removeMilestone(k);
                } else {
                    b.milestone(k, notFuture(e.getValue(), now, "milestone " + k), true);
                }
            }
        }
        if (u.bridgeUrl() != null) {
            b.bridgeUrl(url(u.bridgeUrl(), "bridge URL"));
        }
        if (u.chatUrl() != null) {
            b.chatUrl(url(u.chatUrl(), "chat URL"));
        }
        Incident after = b.updatedAt(now).build();
        changed.addAll(diff(before, after));
        if (changed.isEmpty()) {
            return before;
        }
        Incident stored = repo.update(after);
        if (stored.phase() != before.phase()) {
            timeline.auto(
                    id,
                    "phase",
                    "Phase: " + before.phase().id() + " -> " + stored.phase().id(),
                    phaseNote);
            recordPhaseChange(id, before.phase(), stored.phase());
        }
        List<String> others = changed.stream().filter(f -> !f.equals("phase")).toList();
        if (!others.isEmpty()) {
            timeline.auto(id, "change", "Changed: " + String.join(", ", others), describe(before, stored, others));
        }
        audit.record("incident.update", "incident", id.toString(), before, stored);
        events.publishEvent(
                new IncidentEvents.IncidentUpdated(id, stored.reference(), changed, Timeline.actorName(), now));
        obligations.refresh(id);
        return repo.get(id).orElseThrow();
    }

    private static String url(String s, String field) {
        String v = Texts.optional(s, field, 2000);
        if (v != null && !v.startsWith("https://") && !v.startsWith("http://")) {
            throw new IllegalArgumentException(field + " must be an http(s) URL");
        }
        return v;
    }

    private static int checkPriority(int p) {
        if (p < 1 || p > 5) {
            throw new IllegalArgumentException("priority must be between 1 (P1) and 5 (P5)");
        }
        return p;
    }

    private static Instant notFuture(Instant t, Instant now, String field) {
        if (t.isAfter(now.plusSeconds(300))) {
            throw new IllegalArgumentException(field + " cannot be in the future");
        }
        return t;
    }

    static List<String> diff(Incident a, Incident b) {
        List<String> out = new ArrayList<>();
        check(out, "title", a.title(), b.title());
        check(out, "description", a.description(), b.description());
        check(out, "severity", a.severity(), b.severity());
        check(out, "priority", a.priority(), b.priority());
        check(out, "phase", a.phase(), b.phase());
        check(out, "outcome", a.outcome(), b.outcome());
        check(out, "classification", a.classification(), b.classification());
        check(out, "owningTeam", a.owningTeam(), b.owningTeam());
        check(out, "lead", a.lead(), b.lead());
        check(out, "assignees", a.assignees(), b.assignees());
        check(out, "applications", a.applications(), b.applications());
        check(out, "assets", a.assets(), b.assets());
        check(out, "techniques", a.techniques(), b.techniques());
        check(out, "dataTypes", a.dataTypes(), b.dataTypes());
        check(out, "jurisdictions", a.jurisdictions(), b.jurisdictions());
        check(out, "escalationPolicy", a.escalationPolicy(), b.escalationPolicy());
        check(out, "occurredAt", a.occurredAt(), b.occurredAt());
        check(out, "reportedAt", a.reportedAt(), b.reportedAt());
        check(out, "milestones", a.milestones(), b.milestones());
        check(out, "bridgeUrl", a.bridgeUrl(), b.bridgeUrl());
        check(out, "chatUrl", a.chatUrl(), b.chatUrl());
        return out;
    }

    private static void check(List<String> out, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(name);
        }
    }

    private static String describe(Incident a, Incident b, List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (f.equals("description")) {
                sb.append("description changed\n");
                continue;
            }
            sb.append(f)
                    .append(": ")
                    .append(value(a, f))
                    .append(" -> ")
                    .append(value(b, f))
                    .append('\n');
        }
        return Texts.clip(sb.toString().strip(), 4000);
    }

    private static Object value(Incident i, String f) {
        return switch (f) {
            case "title" -> i.title();
            case "severity" -> i.severity().id();
            case "priority" -> i.priorityLabel();
            case "outcome" -> i.outcome() == null ? "-" : i.outcome().id();
            case "classification" -> i.classification();
            case "owningTeam" -> i.owningTeam();
            case "lead" -> i.lead();
            case "assignees" -> i.assignees();
            case "applications" -> i.applications();
            case "assets" -> i.assets();
            case "techniques" -> i.techniques();
            case "dataTypes" -> i.dataTypes();
            case "jurisdictions" -> i.jurisdictions();
            case "escalationPolicy" -> i.escalationPolicy();
            case "occurredAt" -> i.occurredAt();
            case "reportedAt" -> i.reportedAt();
            case "milestones" -> i.milestones();
            case "bridgeUrl" -> i.bridgeUrl();
            case "chatUrl" -> i.chatUrl();
            default -> "";
        };
    }

    // --- life cycle

    @Override
    @Transactional
    public Incident transition(UUID id, IncidentStatus to, String note) {
        Incident before = repo.lock(id);
        IncidentStatus from = before.status();
        if (to == IncidentStatus.MERGED) {
            throw new IllegalArgumentException("merge an incident with the merge operation");
        }
        if (from == to) {
            return before;
        }
        if (!from.allows(to)) {
            throw new IllegalStateException(
                    "cannot move " + before.reference() + " from " + from.id() + " to " + to.id() + " (allowed: "
                            + from.next().stream().map(IncidentStatus::id).toList() + ")");
        }
        String why = Texts.optional(note, "note", 4000);
        boolean reopen =
                to == IncidentStatus.ACKNOWLEDGED && (from == IncidentStatus.RESOLVED || from == IncidentStatus.CLOSED);
        if (reopen && why == null) {
            throw new IllegalArgumentException("reopening needs a note saying why");
        }
        if (to == IncidentStatus.CLOSED) {
            List<String> blockers = closureBlockers(before);
            if (!blockers.isEmpty()) {
                throw new IllegalStateException(
                        "cannot close " + before.reference() + ": " + String.join("; ", blockers));
            }
        }
        Instant now = clock.instant();
        Builder b = copy(before).status(to).updatedAt(now);
        switch (to) {
            case ACKNOWLEDGED -> {
                if (before.acknowledgedAt() == null) {
                    b.acknowledgedAt(now);
                }
                if (reopen) {
                    b.resolvedAt(null).closedAt(null).closeNote(null);
                    if (before.phase().ordinal() > Phase.ERADICATION.ordinal()) {
                        b.phase(Phase.ERADICATION);
                    }
                }
            }
            case CONTAINED -> {
                b.acknowledgedAt(before.acknowledgedAt() == null ? now : before.acknowledgedAt());
                if (before.containedAt() == null) {
                    b.containedAt(now);
                }
                if (before.phase().ordinal() < Phase.CONTAINMENT.ordinal()) {
                    b.phase(Phase.CONTAINMENT);
                }
            }
            case RESOLVED -> {
                b.acknowledgedAt(before.acknowledgedAt() == null ? now : before.acknowledgedAt());
                b.resolvedAt(now);
                if (before.phase().ordinal() < Phase.RECOVERY.ordinal()) {
                    b.phase(Phase.RECOVERY);
                }
            }
            case CLOSED -> {
                b.closedAt(now).closeNote(why).phase(Phase.POST_INCIDENT);
                b.finalClassification(before.classification());
            }
            default -> {}
        }
        Incident after = repo.update(b.build());
        timeline.auto(id, "status", "Status: " + from.id() + " -> " + to.id(), why);
        if (after.phase() != before.phase()) {
            timeline.auto(
                    id,
                    "phase",
                    "Phase: " + before.phase().id() + " -> " + after.phase().id(),
                    null);
            recordPhaseChange(id, before.phase(), after.phase());
        }
        audit.record("incident.status", "incident", id.toString(), before, after);
        events.publishEvent(new IncidentEvents.IncidentStatusChanged(
                id, after.reference(), from, to, Timeline.actorName(), why, now));
        if (to == IncidentStatus.CLOSED) {
            events.publishEvent(new IncidentEvents.IncidentClosed(
                    id,
                    after.reference(),
                    after.outcome(),
                    after.finalClassification() == null
                            ? null
                            : after.finalClassification().toString(),
                    Timeline.actorName(),
                    now));
        }
        obligations.refresh(id);
        return repo.get(id).orElseThrow();
    }

    @Override
    public List<String> closureBlockers(UUID id) {
        return closureBlockers(repo.get(id).orElseThrow(() -> new NoSuchElementException("no incident " + id)));
    }

    List<String> closureBlockers(Incident i) {
        List<String> out = new ArrayList<>();
        if (i.status() != IncidentStatus.RESOLVED && i.status() != IncidentStatus.CLOSED) {
            out.add("it must be resolved first (status " + i.status().id() + ")");
        }
        if (i.outcome() == null) {
            out.add("the outcome is not set");
        }
        List<IncidentTask> open = tasks.openMandatory(i.id());
        if (!open.isEmpty()) {
            out.add(open.size() + " mandatory task(s) open: "
                    + String.join(", ", open.stream().map(IncidentTask::title).toList()));
        }
        boolean rcaDone = rca.done(i.id());
        if (rca.required(i) && !rcaDone) {
            out.add("a root-cause analysis is required for " + i.severity().id()
                    + " incidents: complete it or waive it with a reason");
        }
        for (String s : obligations.openStages(i.id())) {
            out.add("notification not submitted: " + s + " (submit it or mark the obligation not required)");
        }
        out.addAll(playbooks.missingCloseFields(i, !observables(i.id()).isEmpty(), rcaDone));
        return out;
    }

    // --- merge, link, split, promote

    @Override
    @Transactional
    public Incident merge(UUID targetId, UUID sourceId, String note) {
        if (targetId.equals(sourceId)) {
            throw new IllegalArgumentException("an incident cannot be merged into itself");
        }
        Incident first = repo.lock(targetId.compareTo(sourceId) < 0 ? targetId : sourceId);
        Incident second = repo.lock(targetId.compareTo(sourceId) < 0 ? sourceId : targetId);
        Incident target = first.id().equals(targetId) ? first : second;
        Incident source = first.id().equals(sourceId) ? first : second;
        if (!target.status().open() || !source.status().open()) {
            throw new IllegalStateException("only open incidents can be merged");
        }
        Instant now = clock.instant();
        String why = Texts.optional(note, "note", 4000);
        int moved = repo.moveAllAlerts(source.id(), target.id());
        repo.recount(target.id());
        repo.recount(source.id());
        Incident t0 = repo.get(target.id()).orElseThrow();
        Incident mergedTarget = repo.update(
                copy(t0).severity(t0.severity().compareTo(source.severity()) >= 0 ? t0.severity() : source.severity())
                        .priority(Math.min(t0.priority(), source.priority()))
                        .applications(merge(t0.applications(), source.applications()))
                        .assets(merge(t0.assets(), source.assets()))
                        .techniques(merge(t0.techniques(), source.techniques()))
                        .tactics(merge(t0.tactics(), source.tactics()))
                        .occurredAt(earliest(t0.occurredAt(), source.occurredAt()))
                        .updatedAt(now)
                        .build());
        Incident s0 = repo.get(source.id()).orElseThrow();
        Incident mergedSource = repo.update(copy(s0).status(IncidentStatus.MERGED)
                .mergedInto(target.id())
                .updatedAt(now)
                .build());
        insertLink(target.id(), source.id(), "merged", now);
        insertLink(source.id(), target.id(), "merged", now);
        jdbc.sql("""
                        insert into incident_observables (id, incident_id, kind, value, description, ioc, created_at,
                            created_by)
                        select gen_random_uuid(), ?, kind, value, description, ioc, created_at, created_by
                        from incident_observables where incident_id = ? on conflict do nothing""").params(target.id(), source.id()).update();
        timeline.auto(
                target.id(),
                "merge",
                "Merged " + source.reference() + " into this incident (" + moved + " alerts): " + source.title(),
                why);
        timeline.auto(source.id(), "merge", "Merged into " + target.reference(), why);
        audit.record("incident.merge", "incident", source.id().toString(), source, mergedSource);
        audit.record("incident.merge", "incident", target.id().toString(), target, mergedTarget);
        events.publishEvent(new IncidentEvents.IncidentStatusChanged(
                source.id(),
                source.reference(),
                source.status(),
                IncidentStatus.MERGED,
                Timeline.actorName(),
                why,
                now));
        events.publishEvent(new IncidentEvents.IncidentUpdated(
                target.id(), target.reference(), List.of("alerts"), Timeline.actorName(), now));
        obligations.refresh(target.id());
        return repo.get(target.id()).orElseThrow();
    }

    private void insertLink(UUID a, UUID b, String kind, Instant now) {
        jdbc.sql("""
                        insert into incident_links (incident_id, linked_id, kind, created_at, created_by)
                        values (?, ?, ?, ?, ?) on conflict do nothing""")
                .params(a, b, kind, Timestamp.from(now), Timeline.actorName())
                .update();
    }

    @Override
    @Transactional
    public void link(UUID a, UUID b, String note) {
        if (a.equals(b)) {
            throw new IllegalArgumentException("an incident cannot be linked to itself");
        }
        Incident x = repo.lock(a.compareTo(b) < 0 ? a : b);
        Incident y = repo.lock(a.compareTo(b) < 0 ? b : a);
        Instant now = clock.instant();
        insertLink(x.id(), y.id(), "related", now);
        insertLink(y.id(), x.id(), "related", now);
        String why = Texts.optional(note, "note", 4000);
        timeline.auto(x.id(), "link", "Linked to " + y.reference() + ": " + y.title(), why);
        timeline.auto(y.id(), "link", "Linked to " + x.reference() + ": " + x.title(), why);
        audit.record("incident.link", "incident", a.toString(), null, Map.of("linked", b.toString()));
    }

    @Override
    @Transactional
    public void unlink(UUID a, UUID b) {
        int n = jdbc.sql("""
                        delete from incident_links where kind = 'related' and ((incident_id = ? and linked_id = ?)
                            or (incident_id = ? and linked_id = ?))""").params(a, b, b, a).update();
        if (n > 0) {
            Incident x = repo.get(a).orElseThrow();
            Incident y = repo.get(b).orElseThrow();
            timeline.auto(a, "link", "Unlinked from " + y.reference(), null);
            timeline.auto(b, "link", "Unlinked from " + x.reference(), null);
            audit.record("incident.unlink", "incident", a.toString(), Map.of("linked", b.toString()), null);
        }
    }

    @Override
    public List<IncidentLink> links(UUID id) {
        return jdbc.sql("select * from incident_links where incident_id = ? order by created_at")
                .param(id)
                .query((rs, n) -> new IncidentLink(
                        rs.getObject("incident_id", UUID.class),
                        rs.getObject("linked_id", UUID.class),
                        rs.getString("kind"),
                        IncidentRepository.instant(rs, "created_at"),
                        rs.getString("created_by")))
                .list();
    }

    @Override
    @Transactional
    public Incident split(UUID id, List<UUID> alertIds, String title) {
        Incident source = repo.lock(id);
        if (!source.status().open()) {
            throw new IllegalStateException("only open incidents can be split");
        }
        if (alertIds == null || alertIds.isEmpty()) {
            throw new IllegalArgumentException("name the alerts to split off");
        }
        if (alertIds.size() > 10_000) {
            throw new IllegalArgumentException("split at most 10000 alerts at a time");
        }
        // Checked in the database, not by loading the incident's alerts (there may be 100,000 of them).
        Set<UUID> named = new java.util.HashSet<>(alertIds);
        Set<UUID> here = repo.listedAmong(id, named);
        for (UUID a : alertIds) {
            if (!here.contains(a)) {
                throw new IllegalArgumentException("alert " + a + " is not listed in " + source.reference());
            }
        }
        if (repo.listedCount(id) == named.size()) {
            throw new IllegalArgumentException("splitting off every alert leaves nothing behind: keep at least one");
        }
        Instant now = clock.instant();
        IncidentAlert firstMoved = repo.firstAmong(id, named);
        Incident draft = copy(source)
                .id(UUID.randomUUID())
                .title(
                        Texts.optional(title, "title", 300) != null
                                ? title.strip()
                                : "Split from " + source.reference() + ": " + firstMoved.ruleTitle())
                .status(IncidentStatus.NEW)
                .phase(Phase.DETECTION_ANALYSIS)
                .outcome(null)
                .acknowledgedAt(null)
                .containedAt(null)
                .resolvedAt(null)
                .closedAt(null)
                .source("split")
                .createdBy(Timeline.actorName())
                .createdAt(now)
                .updatedAt(now)
                .playbook(null)
                .build();
        Incident created = repo.insert(draft);
        repo.moveAlerts(alertIds, created.id());
        repo.recount(created.id());
        repo.recount(id);
        insertLink(created.id(), id, "split", now);
        insertLink(id, created.id(), "split", now);
        timeline.auto(
                created.id(), "split", "Split from " + source.reference() + " (" + alertIds.size() + " alerts)", null);
        timeline.auto(id, "split", alertIds.size() + " alert(s) split off into " + created.reference(), null);
        Incident stored = repo.get(created.id()).orElseThrow();
        audit.record("incident.split", "incident", stored.id().toString(), null, stored);
        publishCreated(stored);
        obligations.refresh(stored.id());
        return stored;
    }

    @Override
    @Transactional
    public Incident promote(UUID alertId) {
        Optional<UUID> in = repo.incidentOf(alertId);
        if (in.isPresent()) {
            Alert a = alerts.get(alertId).orElseThrow();
            return split(in.get(), List.of(alertId), a.ruleTitle() + entitySummary(a));
        }
        Alert a = alerts.get(alertId).orElseThrow(() -> new NoSuchElementException("no alert " + alertId));
        TriageResult t = triage.evaluate(a);
        return openFromAlert(a, t, "manual", true);
    }

    // --- observables and participants

    @Override
    @Transactional
    public Observable addObservable(UUID id, String kind, String value, String description, boolean ioc) {
        repo.lock(id);
        String k = Texts.key(kind, "kind");
        String v = Texts.required(value, "value", 2000);
        UUID oid = UUID.randomUUID();
        int n = jdbc.sql("""
                        insert into incident_observables (id, incident_id, kind, value, description, ioc, created_at,
                            created_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (incident_id, kind, value) do update set ioc = excluded.ioc,
                            description = coalesce(excluded.description, incident_observables.description)""")
                .params(
                        oid,
                        id,
                        k,
                        v,
                        Texts.optional(description, "description", 2000),
                        ioc,
                        Timestamp.from(clock.instant()),
                        Timeline.actorName())
                .update();
        Observable o = observables(id).stream()
                .filter(x -> x.kind().equals(k) && x.value().equals(v))
                .findFirst()
                .orElseThrow();
        timeline.auto(id, "observable", (ioc ? "IOC " : "Observable ") + k + ": " + v, o.description());
        audit.record("incident.observable.add", "incident", id.toString(), null, o);
        return n > 0 ? o : o;
    }

    @Override
    @Transactional
    public boolean removeObservable(UUID id, UUID observableId) {
        repo.lock(id);
        Optional<Observable> o = observables(id).stream()
                .filter(x -> x.id().equals(observableId))
                .findFirst();
        if (o.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from incident_observables where id = ?")
                .param(observableId)
                .update();
        timeline.auto(
                id,
                "observable",
                "Observable removed: " + o.get().kind() + " " + o.get().value(),
                null);
        audit.record("incident.observable.remove", "incident", id.toString(), o.get(), null);
        return true;
    }

    @Override
    public List<Observable> observables(UUID id) {
        return jdbc.sql("select * from incident_observables where incident_id = ? order by created_at, id")
                .param(id)
                .query((rs, n) -> observable(rs))
                .list();
    }

    /** By when they were added, the id breaking ties; served by {@code incident_observables_listed_idx}. */
    static final Keyset OBSERVABLE_ORDER =
            new Keyset("incident-observables", "created_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    @Override
    public Page<Observable> observables(UUID id, PageQuery page) {
        return OBSERVABLE_ORDER.page(
                jdbc,
                new SqlFilter().and("incident_id = ?", id),
                "incident_observables",
                "select * from incident_observables",
                page,
                page.descendingBy("createdAt"),
                (rs, n) -> observable(rs),
                Observable::createdAt,
                Observable::id);
    }

    private static Observable observable(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Observable(
                rs.getObject("id", UUID.class),
                rs.getObject("incident_id", UUID.class),
                rs.getString("kind"),
                rs.getString("value"),
                rs.getString("description"),
                rs.getBoolean("ioc"),
                IncidentRepository.instant(rs, "created_at"),
                rs.getString("created_by"));
    }

    @Override
    @Transactional
    public Participant addParticipant(UUID id, Participant p) {
        repo.lock(id);
        String name = Texts.required(p.name(), "name", 200);
        jdbc.sql("""
                        insert into incident_participants (incident_id, name, role, contact, joined_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (incident_id, name) do update set role = excluded.role, contact = excluded.contact""")
                .params(
                        id,
                        name,
                        Texts.optional(p.role(), "role", 200),
                        Texts.optional(p.contact(), "contact", 500),
                        Timestamp.from(p.joinedAt() == null ? clock.instant() : p.joinedAt()))
                .update();
        Participant stored = participants(id).stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        timeline.auto(
                id,
                "participant",
                "Joined the war room: " + name + (stored.role() == null ? "" : " (" + stored.role() + ")"),
                null);
        audit.record("incident.participant.add", "incident", id.toString(), null, stored);
        return stored;
    }

    @Override
    @Transactional
    public boolean removeParticipant(UUID id, String name) {
        repo.lock(id);
        int n = jdbc.sql("delete from incident_participants where incident_id = ? and name = ?")
                .params(id, name)
                .update();
        if (n > 0) {
            timeline.auto(id, "participant", "Left the war room: " + name, null);
            audit.record("incident.participant.remove", "incident", id.toString(), Map.of("name", name), null);
        }
        return n > 0;
    }

    @Override
    public List<Participant> participants(UUID id) {
        return jdbc.sql("select * from incident_participants where incident_id = ? order by joined_at, name")
                .param(id)
                .query((rs, n) -> new Participant(
                        rs.getString("name"),
                        rs.getString("role"),
                        rs.getString("contact"),
                        IncidentRepository.instant(rs, "joined_at")))
                .list();
    }

    // --- statistics

    @Override
    public List<IncidentFacts> facts(Instant from, Instant to) {
        Map<UUID, int[]> stages = new HashMap<>();
        jdbc.sql("""
                        select s.incident_id, s.state, s.late, s.due_at from obligation_stages s
                        join incident_obligations o on o.id = s.obligation_id join incidents i on i.id = s.incident_id
                        where o.status <> 'not_required' and i.created_at >= ? and i.created_at < ?
                          and i.exercise_id is null""").params(Timestamp.from(from), Timestamp.from(to)).query(rs -> {
            countStage(stages, rs);
        });
        List<Incident> incidents = jdbc.sql(
                        "select * from incidents where created_at >= ? and created_at < ? and exercise_id is null"
                                + " order by created_at")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> repo.map(rs))
                .list();
        return facts(incidents, stages);
    }

    /** By creation time, the id breaking ties; served by {@code incidents_created_listed_idx}. */
    static final Keyset FACT_ORDER =
            new Keyset("incident-facts", "created_at", Keyset.Kind.TIMESTAMP, "id", Keyset.Kind.UUID);

    /**
     * One page of the facts of the incidents created in {@code [from, to)} (production incidents, exercise ones or
     * both), by creation time ({@code createdAt,asc}, the default, or {@code createdAt,desc}); by offset or cursor.
     * The page says how many exercise incidents it leaves out ({@link Page#exercisesHidden()}). The deadline stages
     * are read for the page's incidents only.
     */
    public Page<IncidentFacts> facts(
            Instant from, Instant to, dev.vigil.server.alerts.AlertQuery.Exercises exercises, PageQuery page) {
        SqlFilter where = new SqlFilter().range("created_at", from, to);
        switch (exercises) {
            case EXCLUDE -> where.and("exercise_id is null");
            case ONLY -> where.and("exercise_id is not null");
            case ALL -> {}
        }
        long hidden = exercises == dev.vigil.server.alerts.AlertQuery.Exercises.EXCLUDE
                ? new SqlFilter()
                        .range("created_at", from, to)
                        .and("exercise_id is not null")
                        .count(jdbc, "incidents")
                : 0;
        Page<Incident> incidents = FACT_ORDER.page(
                jdbc,
                where,
                "incidents",
                "select * from incidents",
                page,
                page.descendingBy("createdAt"),
                (rs, n) -> repo.map(rs),
                Incident::createdAt,
                Incident::id);
        Map<UUID, int[]> stages = new HashMap<>();
        if (!incidents.items().isEmpty()) {
            jdbc.sql("""
                            select s.incident_id, s.state, s.late, s.due_at from obligation_stages s
                            join incident_obligations o on o.id = s.obligation_id
                            where o.status <> 'not_required' and s.incident_id = any(?)""")
                    .param(incidents.items().stream().map(Incident::id).toArray(UUID[]::new))
                    .query(rs -> {
                        countStage(stages, rs);
                    });
        }
        List<IncidentFacts> items = facts(incidents.items(), stages);
        return new Page<>(
                items,
                incidents.page(),
                incidents.size(),
                incidents.total(),
                incidents.sort(),
                incidents.nextCursor(),
                hidden);
    }

    /** Counts one deadline stage row: due, on time, late, overdue. */
    private static void countStage(Map<UUID, int[]> stages, java.sql.ResultSet rs) throws java.sql.SQLException {
        if (rs.getTimestamp("due_at") == null) {
            return;
        }
        int[] c = stages.computeIfAbsent(rs.getObject("incident_id", UUID.class), k -> new int[4]);
        c[0]++;
        String state = rs.getString("state");
        if (state.equals("submitted")) {
            c[rs.getBoolean("late") ? 2 : 1]++;
        } else if (state.equals("overdue")) {
            c[3]++;
        }
    }

    private List<IncidentFacts> facts(List<Incident> incidents, Map<UUID, int[]> stages) {
        List<IncidentFacts> out = new ArrayList<>();
        Map<UUID, String> rcaStates =
                rca.states(incidents.stream().map(Incident::id).toList());
        for (Incident i : incidents) {
            int[] c = stages.getOrDefault(i.id(), new int[4]);
            String rcaState = rcaStates.get(i.id());
            if (rcaState == null) {
                rcaState = rca.required(i) ? "missing" : "not-required";
            }
            out.add(new IncidentFacts(
                    i.id(),
                    i.reference(),
                    i.severity(),
                    i.priority(),
                    i.status(),
                    i.outcome(),
                    i.firstClassification() == null
                            ? null
                            : i.firstClassification().toString(),
                    i.finalClassification() == null
                            ? null
                            : i.finalClassification().toString(),
                    i.playbook(),
                    i.occurredAt(),
                    i.detectedAt(),
                    i.acknowledgedAt(),
                    i.containedAt(),
                    i.resolvedAt(),
                    i.closedAt(),
                    rcaState,
                    c[0],
                    c[1],
                    c[2],
                    c[3]));
        }
        return out;
    }

    @Override
    public Map<String, Long> openBySeverity() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (IncidentSeverity s : IncidentSeverity.values()) {
            out.put(s.id(), 0L);
        }
        jdbc.sql("select severity, count(*) from incidents where status not in ('closed', 'merged')"
                        + " and exercise_id is null group by severity")
                .query(rs -> {
                    out.put(rs.getString(1), rs.getLong(2));
                });
        return out;
    }

    // --- copying records

    static Builder copy(Incident i) {
        return new Builder(i);
    }

    /** A mutable copy of an incident, for building the changed version. */
    static final class Builder {
        private UUID id;
        private final long number;
        private String title;
        private String description;
        private IncidentSeverity severity;
        private int priority;
        private IncidentStatus status;
        private Phase phase;
        private dev.vigil.server.incidents.Outcome outcome;
        private Classification classification;
        private Classification firstClassification;
        private Classification finalClassification;
        private String owningTeam;
        private String lead;
        private List<String> assignees;
        private List<String> applications;
        private List<String> assets;
        private List<String> techniques;
        private List<String> tactics;
        private List<String> dataTypes;
        private List<String> jurisdictions;
        private String escalationPolicy;
        private String playbook;
        private Map<String, Incident.TriageDecision> triage;
        private int alertCount;
        private Instant lastAlertAt;
        private Instant occurredAt;
        private final Instant detectedAt;
        private Instant reportedAt;
        private Instant acknowledgedAt;
        private Instant containedAt;
        private Instant resolvedAt;
        private Instant closedAt;
        private Map<String, Instant> milestones;
        private UUID mergedInto;
        private String bridgeUrl;
        private String chatUrl;
        private String closeNote;
        private String source;
        private String createdBy;
        private Instant createdAt;
        private Instant updatedAt;
        private final int version;

        Builder(Incident i) {
            id = i.id();
            number = i.number();
            title = i.title();
            description = i.description();
            severity = i.severity();
            priority = i.priority();
            status = i.status();
            phase = i.phase();
            outcome = i.outcome();
            classification = i.classification();
            firstClassification = i.firstClassification();
            finalClassification = i.finalClassification();
            owningTeam = i.owningTeam();
            lead = i.lead();
            assignees = i.assignees();
            applications = i.applications();
            assets = i.assets();
            techniques = i.techniques();
            tactics = i.tactics();
            dataTypes = i.dataTypes();
            jurisdictions = i.jurisdictions();
            escalationPolicy = i.escalationPolicy();
            playbook = i.playbook();
            triage = new LinkedHashMap<>(i.triage());
            alertCount = i.alertCount();
            lastAlertAt = i.lastAlertAt();
            occurredAt = i.occurredAt();
            detectedAt = i.detectedAt();
            reportedAt = i.reportedAt();
            acknowledgedAt = i.acknowledgedAt();
            containedAt = i.containedAt();
            resolvedAt = i.resolvedAt();
            closedAt = i.closedAt();
            milestones = new TreeMap<>(i.milestones());
            mergedInto = i.mergedInto();
            bridgeUrl = i.bridgeUrl();
            chatUrl = i.chatUrl();
            closeNote = i.closeNote();
            source = i.source();
            createdBy = i.createdBy();
            createdAt = i.createdAt();
            updatedAt = i.updatedAt();
            version = i.version();
        }

        Builder id(UUID v) {
            id = v;
            return this;
        }

        Builder title(String v) {
            title = v;
            return this;
        }

        Builder description(String v) {
            description = v;
            return this;
        }

        Builder severity(IncidentSeverity v) {
            severity = v;
            return this;
        }

        Builder priority(int v) {
            priority = v;
            return this;
        }

        Builder status(IncidentStatus v) {
            status = v;
            return this;
        }

        Builder phase(Phase v) {
            phase = v;
            return this;
        }

        Builder outcome(dev.vigil.server.incidents.Outcome v) {
            outcome = v;
            return this;
        }

        Builder classification(Classification v) {
            classification = v;
            return this;
        }

        Builder firstClassification(Classification v) {
            firstClassification = v;
            return this;
        }

        Builder finalClassification(Classification v) {
            finalClassification = v;
            return this;
        }

        Builder owningTeam(String v) {
            owningTeam = v;
            return this;
        }

        Builder lead(String v) {
            lead = v;
            return this;
        }

        Builder assignees(List<String> v) {
            assignees = v;
            return this;
        }

        Builder applications(List<String> v) {
            applications = v;
            return this;
        }

        Builder assets(List<String> v) {
            assets = v;
            return this;
        }

        Builder techniques(List<String> v) {
            techniques = v;
            return this;
        }

        Builder tactics(List<String> v) {
            tactics = v;
            return this;
        }

        Builder dataTypes(List<String> v) {
            dataTypes = v;
            return this;
        }

        Builder jurisdictions(List<String> v) {
            jurisdictions = v;
            return this;
        }

        Builder escalationPolicy(String v) {
            escalationPolicy = v;
            return this;
        }

        Builder playbook(String v) {
            playbook = v;
            return this;
        }

        Builder triage(Map<String, Incident.TriageDecision> v) {
            triage = new LinkedHashMap<>(v);
            return this;
        }

        Builder decide(String attr, String rule, String value) {
            triage.put(attr, new Incident.TriageDecision(rule, value));
            return this;
        }

        Builder occurredAt(Instant v) {
            occurredAt = v;
            return this;
        }

        Builder reportedAt(Instant v) {
            reportedAt = v;
            return this;
        }

        Builder acknowledgedAt(Instant v) {
            acknowledgedAt = v;
            return this;
        }

        Builder containedAt(Instant v) {
            containedAt = v;
            return this;
        }

        Builder resolvedAt(Instant v) {
            resolvedAt = v;
            return this;
        }

        Builder closedAt(Instant v) {
            closedAt = v;
            return this;
        }

        Builder milestones(Map<String, Instant> v) {
            milestones = new TreeMap<>(v);
            return this;
        }

        Builder milestone(String k, Instant v, boolean overwrite) {
            if (overwrite) {
                milestones.put(k, v);
            } else {
                milestones.putIfAbsent(k, v);
            }
            return this;
        }

        Builder removeMilestone(String k) {
            milestones.remove(k);
            return this;
        }

        Builder mergedInto(UUID v) {
            mergedInto = v;
            return this;
        }

        Builder bridgeUrl(String v) {
            bridgeUrl = v;
            return this;
        }

        Builder chatUrl(String v) {
            chatUrl = v;
            return this;
        }

        Builder closeNote(String v) {
            closeNote = v;
            return this;
        }

        Builder source(String v) {
            source = v;
            return this;
        }

        Builder createdBy(String v) {
            createdBy = v;
            return this;
        }

        Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        /** The alert count and newest sighting (an alert joined). */
        Builder counted(int count, Instant last) {
            alertCount = count;
            lastAlertAt = last;
            return this;
        }

        Builder updatedAt(Instant v) {
            updatedAt = v;
            return this;
        }

        Incident build() {
            return new Incident(
                    id,
                    number,
                    "INC-" + number,
                    title,
                    description,
                    severity,
                    priority,
                    status,
                    phase,
                    outcome,
                    classification,
                    firstClassification,
                    finalClassification,
                    owningTeam,
                    lead,
                    List.copyOf(assignees),
                    List.copyOf(applications),
                    List.copyOf(assets),
                    List.copyOf(techniques),
                    List.copyOf(tactics),
                    List.copyOf(dataTypes),
                    List.copyOf(jurisdictions),
                    escalationPolicy,
                    playbook,
                    Map.copyOf(triage),
                    alertCount,
                    lastAlertAt,
                    occurredAt,
                    detectedAt,
                    reportedAt,
                    acknowledgedAt,
                    containedAt,
                    resolvedAt,
                    closedAt,
                    Map.copyOf(milestones),
                    mergedInto,
                    bridgeUrl,
                    chatUrl,
                    closeNote,
                    source,
                    createdBy,
                    createdAt,
                    updatedAt,
                    version);
        }
    }
}
