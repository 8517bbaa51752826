package dev.vigil.server.incidents.internal;

import dev.vigil.server.alerts.Alert;
import dev.vigil.server.alerts.AlertLevel;
import dev.vigil.server.incidents.Classification;
import dev.vigil.server.incidents.IncidentSeverity;
import dev.vigil.server.incidents.TriageResult;
import dev.vigil.server.incidents.TriageRule;
import dev.vigil.server.inventory.Criticality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Triage precedence, as a pure function: rules in order; for each attribute the <em>first</em> matching rule that
 * sets it decides (a later rule cannot override it, only fill what is still open); {@code stop} ends the evaluation;
 * what no rule decided comes from the alert. Also the grouping key and the alert fingerprint.
 */
final class TriageEvaluator {
    static final Set<String> GROUP_PARTS = Set.of("rule", "application", "source", "entities", "correlation");

    private TriageEvaluator() {}

    static TriageResult evaluate(
            Alert a,
            List<TriageRule> rules,
            Function<String, Optional<Criticality>> criticality,
            List<String> defaultGroupBy,
            Duration defaultWindow) {
        Map<String, String> decidedBy = new LinkedHashMap<>();
        List<String> matched = new ArrayList<>();
        IncidentSeverity severity = null;
        Integer priority = null;
        Classification classification = null;
        String team = null;
        String playbook = null;
        String policy = null;
        List<String> groupBy = null;
        Duration window = null;
        Boolean suppressed = null;
        for (TriageRule r : rules) {
            if (!r.enabled() || !matches(r.when(), a, criticality)) {
                continue;
            }
            matched.add(r.name());
            TriageRule.Then t = r.then();
            if (t != null) {
                if (severity == null && t.severity() != null) {
                    severity = IncidentSeverity.parse(t.severity());
                    decidedBy.put("severity", r.name());
                }
                if (priority == null && t.priority() != null) {
                    priority = t.priority();
                    decidedBy.put("priority", r.name());
                }
                if (classification == null && t.classification() != null) {
                    classification = Classification.parse(t.classification());
                    decidedBy.put("classification", r.name());
                }
                if (team == null && t.team() != null) {
                    team = t.team();
                    decidedBy.put("team", r.name());
                }
                if (playbook == null && t.playbook() != null) {
                    playbook = t.playbook();
                    decidedBy.put("playbook", r.name());
                }
                if (policy == null && t.escalationPolicy() != null) {
                    policy = t.escalationPolicy();
                    decidedBy.put("escalationPolicy", r.name());
                }
                if (groupBy == null && t.groupBy() != null && !t.groupBy().isEmpty()) {
                    groupBy = t.groupBy();
                    decidedBy.put("groupBy", r.name());
                }
                if (window == null && t.groupWindow() != null) {
                    window = Offset.duration(t.groupWindow());
                    decidedBy.put("groupWindow", r.name());
                }
            }
            if (suppressed == null && r.action() != null) {
                suppressed = r.action().equals("suppress");
                decidedBy.put("action", r.name());
            }
            if (r.stop()) {
                break;
            }
        }
        if (severity == null) {
            severity = severityOf(a.level());
            decidedBy.put("severity", "default");
        }
        if (priority == null) {
            priority = priorityOf(severity);
            decidedBy.put("priority", decidedBy.get("severity").equals("default") ? "default" : "default (severity)");
        }
        if (classification == null) {
            classification = Classification.UNDETERMINED;
            decidedBy.put("classification", "default");
        }
        if (groupBy == null) {
            groupBy = defaultGroupBy;
        }
        if (window == null) {
            window = defaultWindow;
        }
        return new TriageResult(
                severity,
                priority,
                classification,
                team,
                playbook,
                policy,
                List.copyOf(groupBy),
                window,
                suppressed != null && suppressed,
                decidedBy,
                matched);
    }

    static IncidentSeverity severityOf(AlertLevel level) {
        return switch (level) {
            case CRITICAL -> IncidentSeverity.CRITICAL;
            case HIGH -> IncidentSeverity.HIGH;
            case MEDIUM -> IncidentSeverity.MEDIUM;
            case LOW, INFORMATIONAL -> IncidentSeverity.LOW;
        };
    }

    static int priorityOf(IncidentSeverity s) {
        return switch (s) {
            case CRITICAL -> 1;
            case HIGH -> 2;
            case MEDIUM -> 3;
            case LOW -> 4;
        };
    }

    static boolean matches(TriageRule.When w, Alert a, Function<String, Optional<Criticality>> criticality) {
        if (w == null) {
            return true;
        }
        if (w.minLevel() != null && a.level().compareTo(AlertLevel.parse(w.minLevel())) < 0) {
            return false;
        }
        if (!anyEquals(w.levels(), a.level().id())) {
            return false;
        }
        if (!anyEquals(w.rules(), a.ruleId())) {
            return false;
        }
        if (w.titleContains() != null
                && !a.ruleTitle()
                        .toLowerCase(Locale.ROOT)
                        .contains(w.titleContains().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (w.tags() != null && !w.tags().isEmpty() && !anyTag(w.tags(), a.tags())) {
            return false;
        }
        if (w.tactics() != null
                && !w.tactics().isEmpty()
                && w.tactics().stream().noneMatch(a.tactics()::contains)) {
            return false;
        }
        if (!anyEquals(w.sources(), dev.vigil.server.normalize.ExerciseTag.originalSource(a.source()))) {
            return false;
        }
        if (!anyEquals(w.applications(), a.application())) {
            return false;
        }
        if (w.minCriticality() != null) {
            Optional<Criticality> c = a.application() == null ? Optional.empty() : criticality.apply(a.application());
            if (c.isEmpty() || c.get().compareTo(Criticality.parse(w.minCriticality())) < 0) {
                return false;
            }
        }
        if (w.entities() != null) {
            for (Map.Entry<String, List<String>> e : w.entities().entrySet()) {
                String v = a.entities().get(e.getKey());
                if (v == null) {
                    return false;
                }
                if (!e.getValue().contains("*") && !anyEquals(e.getValue(), v)) {
                    return false;
                }
            }
        }
        if (w.correlation() != null && w.correlation() != (a.correlation() != null)) {
            return false;
        }
        return true;
    }

    /** Empty or null list: no condition. Else case-insensitive equality with any value. */
    private static boolean anyEquals(List<String> values, String actual) {
        if (values == null || values.isEmpty()) {
            return true;
        }
        if (actual == null) {
            return false;
        }
        for (String v : values) {
            if (v.equalsIgnoreCase(actual)) {
                return true;
            }
        }
        return false;
    }

    /** {@code attack.t1110} matches {@code attack.t1110} and {@code attack.t1110.001}. */
    private static boolean anyTag(List<String> wanted, List<String> tags) {
        for (String w : wanted) {
            String lw = w.toLowerCase(Locale.ROOT);
            for (String t : tags) {
                String lt = t.toLowerCase(Locale.ROOT);
                if (lt.equals(lw) || lt.startsWith(lw + ".")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Checks group-by parts: {@code rule application source entities correlation entity:<kind>}. */
    static void validateGroupBy(List<String> parts) {
        for (String p : parts) {
            if (!GROUP_PARTS.contains(p) && !(p.startsWith("entity:") && p.length() > 7)) {
                throw new IllegalArgumentException("unknown group-by part '" + p
                        + "' (expected rule, application, source, entities, correlation or entity:<kind>)");
            }
        }
    }

    /**
     * The grouping key of an alert: the SHA-256 of the parts' names and values (a missing value is part of the key
     * as "absent", so alerts without a user do not group with alerts for some user).
     */
    static String groupKey(List<String> groupBy, Alert a) {
        StringBuilder sb = new StringBuilder();
        for (String p : groupBy) {
            sb.append(p).append('=');
            switch (p) {
                case "rule" -> sb.append(a.ruleId());
                case "application" -> sb.append(a.application());
                case "source" -> sb.append(a.source());
                case "entities" -> sb.append(new TreeMap<>(a.entities()));
                case "correlation" -> sb.append(correlationGroup(a.correlation()));
                default -> sb.append(a.entities().get(p.substring("entity:".length())));
            }
            sb.append('\u001f');
        }
        return sha256(sb.toString());
    }

    /** Rule and entities: alerts with the same fingerprint in one incident are duplicates. */
    static String fingerprint(Alert a) {
        return sha256(a.ruleId() + '\u001f' + new TreeMap<>(a.entities()));
    }

    private static String correlationGroup(String correlationJson) {
        if (correlationJson == null) {
            return null;
        }
        try {
            var node = IncidentYaml.JSON.readTree(correlationJson);
            var g = node.get("groupKey");
            return g == null ? correlationJson : IncidentYaml.JSON.writeValueAsString(g);
        } catch (RuntimeException e) {
            return correlationJson;
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
