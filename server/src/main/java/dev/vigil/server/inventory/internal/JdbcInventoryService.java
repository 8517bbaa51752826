package dev.vigil.server.inventory.internal;

import dev.vigil.server.alerts.AttackTactics;
import dev.vigil.server.detection.DetectionRule;
import dev.vigil.server.detection.RuleService;
import dev.vigil.server.ingest.LogSource;
import dev.vigil.server.ingest.LogSources;
import dev.vigil.server.ingest.SourceActivity;
import dev.vigil.server.ingest.SourceStats;
import dev.vigil.server.inventory.Application;
import dev.vigil.server.inventory.ApplicationRequest;
import dev.vigil.server.inventory.Coverage;
import dev.vigil.server.inventory.Criticality;
import dev.vigil.server.inventory.InventoryService;
import dev.vigil.server.platform.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The inventory in table {@code applications}; coverage is computed on request from the intake's sources and
 * counters and the detection module's active rules. A rule applies to a source when every logsource component the
 * rule sets (product, category, service) equals the source's; a source without a logsource assignment is covered
 * only by rules that set none.
 */
@Service
class JdbcInventoryService implements InventoryService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final LogSources sources;
    private final SourceActivity activity;
    private final RuleService rules;
    private final InventoryProperties properties;
    private final AuditLog audit;

    JdbcInventoryService(
            JdbcClient jdbc,
            Clock clock,
            LogSources sources,
            SourceActivity activity,
            RuleService rules,
            InventoryProperties properties,
            AuditLog audit) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
        this.sources = sources;
        this.activity = activity;
        this.rules = rules;
        this.properties = properties;
    }

    @Override
    @Transactional
    public Application create(ApplicationRequest r) {
        Valid v = validate(r);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("""
                            insert into applications (id, name, description, owner, criticality, expected_sources,
                                created_at, updated_at) values (?, ?, ?, ?, ?, ?::text[], ?, ?)""")
                    .params(
                            id,
                            v.name(),
                            v.description(),
                            v.owner(),
                            v.criticality().id(),
                            pgArray(v.expectedSources()),
                            Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("an application named '" + v.name() + "' exists already");
        }
        Application created = get(v.name()).orElseThrow();
        audit.record("created", "application", created.name(), null, created);
        return created;
    }

    @Override
    @Transactional
    public Optional<Application> update(String name, ApplicationRequest r) {
        Valid v = validate(r);
        Optional<Application> before = get(name);
        try {
            int n = jdbc.sql("""
                            update applications set name = ?, description = ?, owner = ?, criticality = ?,
                                expected_sources = ?::text[], updated_at = ? where name = ?""")
                    .params(
                            v.name(),
                            v.description(),
                            v.owner(),
                            v.criticality().id(),
                            pgArray(v.expectedSources()),
                            Timestamp.from(clock.instant()),
                            normalize(name))
                    .update();
            if (n == 0) {
                return Optional.empty();
            }
            Optional<Application> after = get(v.name());
            audit.record("updated", "application", v.name(), before.orElse(null), after.orElse(null));
            return after;
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("an application named '" + v.name() + "' exists already");
        }
    }

    @Override
    @Transactional
    public boolean delete(String name) {
        Optional<Application> before = get(name);
        boolean deleted = jdbc.sql("delete from applications where name = ?")
                        .param(normalize(name))
                        .update()
                > 0;
        if (deleted) {
            audit.record("deleted", "application", normalize(name), before.orElse(null), null);
        }
        return deleted;
    }

    @Override
    public List<Application> list() {
        return jdbc.sql("select * from applications order by name")
                .query((rs, i) -> map(rs))
                .list();
    }

    @Override
    public Optional<Application> get(String name) {
        return jdbc.sql("select * from applications where name = ?")
                .param(normalize(name))
                .query((rs, i) -> map(rs))
                .optional();
    }

    @Override
    public Optional<Coverage> coverage(String name, Instant asOf) {
        return get(name).map(app -> coverage(app, asOf, activeRules(), sourcesByName()));
    }

    @Override
    public List<Coverage> coverageAll(Instant asOf) {
        List<DetectionRule> active = activeRules();
        Map<String, LogSource> byName = sourcesByName();
        List<Coverage> out = new ArrayList<>();
        for (Application app : list()) {
            out.add(coverage(app, asOf, active, byName));
        }
        return out;
    }

    @Override
    public List<Coverage> flagged(Instant asOf) {
        List<DetectionRule> active = activeRules();
        Map<String, LogSource> byName = sourcesByName();
        List<Coverage> out = new ArrayList<>();
        for (Application app : list()) {
            Coverage c = coverage(app, asOf, active, byName);
            if (!c.flags().isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    private List<DetectionRule> activeRules() {
        return rules.list().stream()
                .filter(r -> r.active() && r.kind().equals("rule"))
                .toList();
    }

    private Map<String, LogSource> sourcesByName() {
        Map<String, LogSource> map = new LinkedHashMap<>();
        for (LogSource s : sources.list()) {
            map.put(s.name(), s);
        }
        return map;
    }

    private Coverage coverage(
            Application app, Instant asOf, List<DetectionRule> active, Map<String, LogSource> byName) {
        Set<String> names = new LinkedHashSet<>(app.expectedSources());
        for (LogSource s : byName.values()) {
            if (app.name().equalsIgnoreCase(s.application())) {
                names.add(s.name());
            }
        }
        List<Coverage.SourceCoverage> sourceViews = new ArrayList<>();
        Map<String, DetectionRule> applicable = new LinkedHashMap<>();
        List<Coverage.Flag> flags = new ArrayList<>();
        Instant registered = app.createdAt();
        for (String name : names) {
            boolean expected = app.expectedSources().contains(name);
            LogSource source = byName.get(name);
            SourceStats stats = activity.stats(name).orElse(null);
            Instant lastSeen = stats == null ? null : stats.lastSeen();
            int ruleCount = 0;
            if (source != null) {
                for (DetectionRule r : active) {
                    if (applies(r, source)) {
                        applicable.putIfAbsent(r.ref(), r);
                        ruleCount++;
                    }
                }
            }
            sourceViews.add(new Coverage.SourceCoverage(
                    name,
                    expected,
                    source != null,
                    source == null ? null : source.product(),
                    source == null ? null : source.category(),
                    source == null ? null : source.service(),
                    lastSeen,
                    stats == null ? 0 : stats.eventsPerSecond(),
                    stats == null ? 0 : stats.accepted(),
                    ruleCount));
            if (!expected) {
                continue;
            }
            if (source == null) {
                flags.add(new Coverage.Flag(
                        "SOURCE_NOT_CONFIGURED", name, "expected log source '" + name + "' is not configured"));
            } else if (lastSeen == null) {
                if (registered.plus(properties.silentAfter()).isBefore(asOf)) {
                    flags.add(new Coverage.Flag(
                            "SOURCE_SILENT", name, "expected log source '" + name + "' has never delivered a record"));
                }
            } else if (lastSeen.plus(properties.silentAfter()).isBefore(asOf)) {
                flags.add(new Coverage.Flag(
                        "SOURCE_SILENT", name, "expected log source '" + name + "' has been silent since " + lastSeen));
            }
        }
        List<Coverage.RuleRef> ruleRefs = new ArrayList<>();
        Set<String> tags = new LinkedHashSet<>();
        for (DetectionRule r : applicable.values()) {
            ruleRefs.add(new Coverage.RuleRef(r.ref(), r.title(), r.level(), r.tactics()));
            tags.addAll(r.tags());
        }
        if (applicable.isEmpty() && registered.plus(properties.coverageGrace()).isBefore(asOf)) {
            flags.add(new Coverage.Flag(
                    "NO_COVERAGE",
                    null,
                    "no active detection rule applies to the sources of '" + app.name() + "' "
                            + properties.coverageGrace().toDays() + " days after registration"));
        }
        return new Coverage(app, asOf, sourceViews, ruleRefs, AttackTactics.of(tags), flags);
    }

    static boolean applies(DetectionRule rule, LogSource source) {
        return same(rule.product(), source.product())
                && same(rule.category(), source.category())
                && same(rule.service(), source.service());
    }

    private static boolean same(String ruleValue, String sourceValue) {
        return ruleValue == null || (sourceValue != null && ruleValue.equalsIgnoreCase(sourceValue));
    }

    private record Valid(
            String name, String description, String owner, Criticality criticality, List<String> expectedSources) {}

    private static Valid validate(ApplicationRequest r) {
        if (r == null) {
            throw new IllegalArgumentException("an application needs a body");
        }
        String name = normalize(r.name());
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "application name must be 1-63 characters of a-z 0-9 _ . - starting with a letter or digit");
        }
        if (name.equals("flagged")) {
            throw new IllegalArgumentException("'flagged' is reserved (GET /api/v1/applications/flagged)");
        }
        if (r.owner() == null || r.owner().isBlank() || r.owner().length() > 200) {
            throw new IllegalArgumentException("an application needs an owner (1-200 characters)");
        }
        Criticality criticality = Criticality.parse(r.criticality() == null ? "medium" : r.criticality());
        List<String> expected = new ArrayList<>();
        if (r.expectedSources() != null) {
            for (String s : r.expectedSources()) {
                String n = normalize(s);
                if (n == null || !NAME.matcher(n).matches()) {
                    throw new IllegalArgumentException("invalid expected source name '" + s + "'");
                }
                if (!expected.contains(n)) {
                    expected.add(n);
                }
            }
        }
        String description = r.description() == null ? null : r.description().strip();
        if (description != null && description.length() > 4000) {
            throw new IllegalArgumentException("description longer than 4000 characters");
        }
        return new Valid(name, description, r.owner().strip(), criticality, List.copyOf(expected));
    }

    private static String normalize(String name) {
        return name == null ? null : name.strip().toLowerCase(Locale.ROOT);
    }

    private static Application map(ResultSet rs) throws SQLException {
        return new Application(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("owner"),
                Criticality.parse(rs.getString("criticality")),
                Arrays.asList((String[]) rs.getArray("expected_sources").getArray()),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static String pgArray(List<String> values) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            b.append(i > 0 ? "," : "").append('"').append(values.get(i)).append('"');
        }
        return b.append('}').toString();
    }
}
