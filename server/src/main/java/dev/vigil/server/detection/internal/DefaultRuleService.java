package dev.vigil.server.detection.internal;

import dev.vigil.engine.Refusal;
import dev.vigil.engine.correlate.CorrelationStats;
import dev.vigil.server.alerts.AttackTactics;
import dev.vigil.server.detection.CorrelationClock;
import dev.vigil.server.detection.DetectionRule;
import dev.vigil.server.detection.ImportResult;
import dev.vigil.server.detection.RuleFile;
import dev.vigil.server.detection.RuleRefusal;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.detection.RuleSetStatus;
import dev.vigil.server.normalize.ExerciseTag;
import dev.vigil.server.platform.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rule management: every change is written and compiled in one transaction; only when the compiled set is not
 * empty does the transaction commit and the set get swapped in, so a change that would leave zero active rules is
 * refused and leaves both the database and the running engine untouched. Changes are serialised by a lock.
 */
@Service
class DefaultRuleService implements RuleService {
    private static final Logger log = LoggerFactory.getLogger(DefaultRuleService.class);

    private final RuleRepository repository;
    private final ActiveRules active;
    private final RuleStatsRegistry stats;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong reloads = new AtomicLong();
    private final DetectionMetrics metrics;
    private final AuditLog audit;

    DefaultRuleService(
            RuleRepository repository,
            ActiveRules active,
            RuleStatsRegistry stats,
            TransactionTemplate tx,
            Clock clock,
            DetectionMetrics metrics,
            AuditLog audit) {
        this.audit = audit;
        this.repository = repository;
        this.active = active;
        this.stats = stats;
        this.tx = tx;
        this.clock = clock;
        this.metrics = metrics;
    }

    private record Outcome(
            ActiveRules.Compiled compiled, int added, int updated, int unchanged, int removed, Set<String> touched) {}

    @Override
    public ImportResult importRules(List<RuleFile> files) {
        List<RuleRefusal> refused = new ArrayList<>();
        lock.lock();
        try {
            Outcome o = tx.execute(status -> {
                Instant now = clock.instant();
                int added = 0;
                int updated = 0;
                int unchanged = 0;
                int removed = 0;
                Set<String> touched = new HashSet<>();
                Map<String, RuleRepository.StoredRule> known = new HashMap<>();
                for (RuleRepository.StoredRule r : repository.rules()) {
                    known.put(r.ref(), r);
                }
                Map<String, Set<String>> refsByOrigin = new HashMap<>();
                for (RuleRepository.StoredRule r : known.values()) {
                    refsByOrigin
                            .computeIfAbsent(r.origin(), k -> new HashSet<>())
                            .add(r.ref());
                }
                Map<String, String> shaByOrigin = new HashMap<>();
                for (RuleRepository.StoredFile f : repository.files()) {
                    shaByOrigin.put(f.origin(), f.sha256());
                }
                for (RuleFile f : files) {
                    ActiveRules.Parsed p = active.parse(f.origin(), f.yaml());
                    for (Refusal r : p.result().refusals()) {
                        refused.add(new RuleRefusal(r.file(), r.ruleId(), r.yamlPath(), r.reason()));
                    }
                    if (p.items().isEmpty()) {
                        if (p.result().refusals().isEmpty()) {
                            refused.add(new RuleRefusal(f.origin(), "-", "", "no Sigma rule in this file"));
                        }
                        continue;
                    }
                    String sha = ActiveRules.sha256(f.yaml());
                    if (sha.equals(shaByOrigin.get(f.origin()))) {
                        unchanged += p.items().size();
                        continue;
                    }
                    repository.upsertFile(f.origin(), f.yaml(), sha, now);
                    shaByOrigin.put(f.origin(), sha);
                    Set<String> old = new HashSet<>(refsByOrigin.getOrDefault(f.origin(), Set.of()));
                    for (ActiveRules.Item item : p.items()) {
                        Optional<RuleRepository.StoredRule> prev = Optional.ofNullable(known.get(item.ref()));
                        if (prev.isEmpty()) {
                            added++;
                        } else {
                            updated++;
                        }
                        RuleRepository.StoredRule row = new RuleRepository.StoredRule(
                                item.ref(),
                                item.kind(),
                                f.origin(),
                                item.title(),
                                item.level(),
                                item.status(),
                                item.tags(),
                                item.product(),
                                item.category(),
                                item.service(),
                                prev.map(RuleRepository.StoredRule::enabled).orElse(true),
                                prev.map(RuleRepository.StoredRule::importedAt).orElse(now),
                                now);
                        repository.upsertRule(row);
                        if (prev.isPresent() && !prev.get().origin().equals(f.origin())) {
                            refsByOrigin
                                    .getOrDefault(prev.get().origin(), new HashSet<>())
                                    .remove(item.ref());
                        }
                        known.put(item.ref(), row);
                        refsByOrigin
                                .computeIfAbsent(f.origin(), k -> new HashSet<>())
                                .add(item.ref());
                        touched.add(item.ref());
                        old.remove(item.ref());
                    }
                    for (String gone : old) {
                        repository.delete(gone);
                        known.remove(gone);
                        refsByOrigin.get(f.origin()).remove(gone);
                        removed++;
                    }
                }
                repository.deleteOrphanFiles();
                ActiveRules.Compiled compiled = compileStored();
                requireRules(compiled);
                if (added + updated + removed > 0) {
                    Map<String, Object> summary = new java.util.LinkedHashMap<>();
                    summary.put("files", files.size());
                    summary.put("added", added);
                    summary.put("updated", updated);
                    summary.put("unchanged", unchanged);
                    summary.put("removed", removed);
                    summary.put("refused", refused.size());
                    summary.put("rules", touched.stream().sorted().limit(1000).toList());
                    audit.record(
                            "imported",
                            "rules",
                            files.size() == 1 ? files.getFirst().origin() : files.size() + " files",
                            null,
                            summary);
                }
                return new Outcome(compiled, added, updated, unchanged, removed, touched);
            });
            swap(o.compiled());
            for (RuleRefusal r : o.compiled().refused()) {
                if (o.touched().contains(r.ruleId())) {
                    refused.add(r);
                }
            }
            log.info(
                    "Imported {} rule files: {} added, {} updated, {} unchanged, {} removed, {} refused; {} rules active",
                    files.size(),
                    o.added(),
                    o.updated(),
                    o.unchanged(),
                    o.removed(),
                    refused.size(),
                    o.compiled().ruleSet().size());
            return new ImportResult(
                    files.size(),
                    o.added(),
                    o.updated(),
                    o.unchanged(),
                    o.removed(),
                    List.copyOf(refused),
                    o.compiled().ruleSet().size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<DetectionRule> list() {
        ActiveRules.Compiled c = active.current();
        return repository.rules().stream().map(r -> view(r, c)).toList();
    }

    @Override
    public Optional<DetectionRule> get(String ref) {
        return repository.rule(ref).map(r -> view(r, active.current()));
    }

    @Override
    public boolean setEnabled(String ref, boolean enabled) {
        return change(() -> {
            Optional<RuleRepository.StoredRule> before = repository.rule(ref);
            if (!repository.setEnabled(ref, enabled, clock.instant())) {
                return false;
            }
            audit.record(
                    enabled ? "enabled" : "disabled",
                    "rule",
                    ref,
                    before.map(DefaultRuleService::auditView).orElse(null),
                    repository.rule(ref).map(DefaultRuleService::auditView).orElse(null));
            return true;
        });
    }

    @Override
    public boolean delete(String ref) {
        return change(() -> {
            Optional<RuleRepository.StoredRule> before = repository.rule(ref);
            boolean deleted = repository.delete(ref);
            repository.deleteOrphanFiles();
            if (deleted) {
                audit.record(
                        "deleted",
                        "rule",
                        ref,
                        before.map(DefaultRuleService::auditView).orElse(null),
                        null);
            }
            return deleted;
        });
    }

    /** What the audit log keeps of a rule. */
    static Map<String, Object> auditView(RuleRepository.StoredRule r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("ref", r.ref());
        m.put("kind", r.kind());
        m.put("title", r.title());
        m.put("level", r.level());
        m.put("origin", r.origin());
        m.put("enabled", r.enabled());
        return m;
    }

    private boolean change(java.util.function.BooleanSupplier write) {
        lock.lock();
        try {
            ActiveRules.Compiled[] compiled = new ActiveRules.Compiled[1];
            Boolean changed = tx.execute(status -> {
                if (!write.getAsBoolean()) {
                    return false;
                }
                compiled[0] = compileStored();
                requireRules(compiled[0]);
                return true;
            });
            if (Boolean.TRUE.equals(changed)) {
                swap(compiled[0]);
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RuleSetStatus reload() {
        lock.lock();
        try {
            ActiveRules.Compiled compiled = compileStored();
            requireRules(compiled);
            swap(compiled);
            return status();
        } finally {
            lock.unlock();
        }
    }

    /** Loads the stored rules at start; an empty store stays idle (no engine) until rules are imported. */
    void start() {
        lock.lock();
        try {
            ActiveRules.Compiled compiled = compileStored();
            if (compiled.ruleSet().isEmpty()) {
                log.warn("No active detection rules: events are counted but not evaluated until rules are imported");
                return;
            }
            swap(compiled);
            log.info(
                    "Detection ready: {} rules, {} correlations active, {} refused",
                    compiled.ruleSet().size(),
                    compiled.correlations(),
                    compiled.refused().size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RuleSetStatus status() {
        ActiveRules.Compiled c = active.current();
        long stored = repository.count();
        if (c == null) {
            return new RuleSetStatus(
                    0,
                    0,
                    (int) stored,
                    List.of(),
                    null,
                    reloads.get(),
                    metrics.events(),
                    metrics.detections(),
                    List.of(),
                    metrics.waitingFirings());
        }
        return new RuleSetStatus(
                c.ruleSet().size(),
                c.correlations(),
                (int) stored,
                c.refused(),
                c.compiledAt(),
                reloads.get(),
                metrics.events(),
                metrics.detections(),
                correlationClocks(active.engine()),
                metrics.waitingFirings());
    }

    /** The engine's correlation clocks: production (the default partition) first, then each exercise's. */
    static List<CorrelationClock> correlationClocks(dev.vigil.engine.Engine engine) {
        if (engine == null) {
            return List.of();
        }
        List<CorrelationClock> clocks = new java.util.ArrayList<>();
        for (CorrelationStats.PartitionClock c : engine.correlationStats().partitions()) {
            java.util.UUID exercise = ExerciseTag.exerciseOfPartition(c.partition());
            if (exercise == null && !c.partition().isEmpty()) {
                continue; // not a partition the server makes (ExerciseTag.correlationPartition)
            }
            clocks.add(new CorrelationClock(exercise, c.watermark(), c.heldBack()));
        }
        return clocks;
    }

    @Override
    public Optional<RuleFile> source(String ref) {
        return repository
                .rule(ref)
                .flatMap(r -> repository.file(r.origin()))
                .map(f -> new RuleFile(f.origin(), f.yaml()));
    }

    private ActiveRules.Compiled compileStored() {
        List<RuleRepository.StoredRule> rules = repository.rules();
        Map<String, String> enabled = new HashMap<>();
        Set<String> stored = new HashSet<>();
        for (RuleRepository.StoredRule r : rules) {
            stored.add(r.ref());
            if (r.enabled()) {
                enabled.put(r.ref(), r.origin());
            }
        }
        return active.compile(repository.files(), enabled, stored);
    }

    private static void requireRules(ActiveRules.Compiled compiled) {
        if (compiled.ruleSet().isEmpty()) {
            throw new IllegalStateException(
                    "refused: this change would leave zero active detection rules (the running rules stay in place)");
        }
    }

    private void swap(ActiveRules.Compiled compiled) {
        active.swap(compiled);
        reloads.incrementAndGet();
        metrics.activeRules(compiled.ruleSet().size());
    }

    private DetectionRule view(RuleRepository.StoredRule r, ActiveRules.Compiled c) {
        return new DetectionRule(
                r.ref(),
                r.kind(),
                r.title(),
                r.level(),
                r.status(),
                r.tags(),
                AttackTactics.of(r.tags()),
                r.product(),
                r.category(),
                r.service(),
                r.origin(),
                r.enabled(),
                c != null && c.activeRefs().contains(r.ref()),
                r.importedAt(),
                r.updatedAt(),
                stats.stats(r.ref()));
    }
}
