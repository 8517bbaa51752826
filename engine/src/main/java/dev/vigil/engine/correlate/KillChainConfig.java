package dev.vigil.engine.correlate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Kill-chain (entity risk) scoring configuration; the YAML form is documented in {@code docs/correlation.md}.
 *
 * @param window how long an entity's detections count (default 24 h)
 * @param minTactics fire when this many distinct tactics advance along the ATT&amp;CK order (default 3)
 * @param riskThreshold fire when the entity's risk reaches this (default 150; {@code 0} disables the risk trigger)
 * @param weights risk per detection by level ({@code informational low medium high critical}; default 0, 10, 25, 50,
 *     100). Each rule counts once per entity and window, at its highest level.
 * @param entities entity type → the event fields that name it, first present wins (default {@code host}, {@code
 *     user}, {@code application})
 * @param ruleId the id of the kill-chain detection (default {@code vigil-kill-chain})
 * @param level the level of the kill-chain detection (default {@code high})
 * @param maxDetections most detections kept per entity and window (default 256; the oldest go first, counted as
 *     truncations)
 */
public record KillChainConfig(
        Duration window,
        int minTactics,
        double riskThreshold,
        Map<String, Double> weights,
        Map<String, List<String>> entities,
        String ruleId,
        String level,
        int maxDetections) {

    private static final Set<String> LEVELS = Set.of("informational", "low", "medium", "high", "critical");

    public KillChainConfig {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("kill-chain window must be positive");
        }
        if (minTactics < 2 || minTactics > Tactic.STAGES) {
            throw new IllegalArgumentException("kill-chain min-tactics must be between 2 and " + Tactic.STAGES);
        }
        if (riskThreshold < 0 || !Double.isFinite(riskThreshold)) {
            throw new IllegalArgumentException("kill-chain risk-threshold must be a non-negative number");
        }
        weights = Map.copyOf(weights);
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!LEVELS.contains(e.getKey())) throw new IllegalArgumentException("unknown level '" + e.getKey() + "'");
            if (e.getValue() < 0 || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("weight of " + e.getKey() + " must be a non-negative number");
            }
        }
        Map<String, List<String>> ents = new LinkedHashMap<>();
        entities.forEach((k, v) -> {
            if (v == null || v.isEmpty()) throw new IllegalArgumentException("entity '" + k + "' needs fields");
            ents.put(k, List.copyOf(v));
        });
        if (ents.isEmpty()) throw new IllegalArgumentException("kill chain needs at least one entity type");
        entities = java.util.Collections.unmodifiableMap(ents);
        if (ruleId == null || ruleId.isBlank()) throw new IllegalArgumentException("kill-chain rule-id is blank");
        if (!LEVELS.contains(level)) throw new IllegalArgumentException("unknown level '" + level + "'");
        if (maxDetections < minTactics) {
            throw new IllegalArgumentException("kill-chain max-detections must be at least min-tactics");
        }
    }

    /** The defaults listed on the components. */
    public static KillChainConfig defaults() {
        Map<String, List<String>> entities = new LinkedHashMap<>();
        entities.put(
                "host",
                List.of(
                        "Computer",
                        "ComputerName",
                        "Hostname",
                        "host.name",
                        "host.hostname",
                        "hostname",
                        "Workstation"));
        entities.put("user", List.of("User", "TargetUserName", "SubjectUserName", "UserName", "user.name", "username"));
        entities.put("application", List.of("vigil.application", "application", "service.name"));
        return new KillChainConfig(
                Duration.ofHours(24),
                3,
                150,
                Map.of("informational", 0.0, "low", 10.0, "medium", 25.0, "high", 50.0, "critical", 100.0),
                entities,
                "vigil-kill-chain",
                "high",
                256);
    }

    /** Risk weight of a level (0 when unknown or null). */
    public double weight(String level) {
        if (level == null) return 0;
        Double w = weights.get(level.toLowerCase(Locale.ROOT));
        return w == null ? 0 : w;
    }

    /** Reads the {@code kill-chain:} section of a YAML file (or the whole document when it has no such key). */
    public static KillChainConfig load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses the YAML form. Unknown keys are errors (a typo must not silently leave a default in place).
     *
     * @throws IllegalArgumentException with a message naming the key when the configuration is invalid
     */
    public static KillChainConfig parse(String yaml) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(
                    "invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (doc == null) return defaults();
        if (!(doc instanceof Map<?, ?> root)) throw new IllegalArgumentException("kill-chain config must be a map");
        Object section = root.containsKey("kill-chain") ? root.get("kill-chain") : root;
        if (section == null) return defaults();
        if (!(section instanceof Map<?, ?> m)) throw new IllegalArgumentException("'kill-chain' must be a map");
        KillChainConfig d = defaults();
        Duration window = d.window;
        int minTactics = d.minTactics;
        double risk = d.riskThreshold;
        Map<String, Double> weights = new LinkedHashMap<>(d.weights);
        Map<String, List<String>> entities = d.entities;
        String ruleId = d.ruleId;
        String level = d.level;
        int max = d.maxDetections;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (k) {
                case "enabled" -> {
                    if (!(v instanceof Boolean))
                        throw new IllegalArgumentException("kill-chain.enabled must be true or false");
                }
                case "window" -> window = duration(v, "kill-chain.window");
                case "min-tactics" -> minTactics = integer(v, "kill-chain.min-tactics");
                case "risk-threshold" -> risk = number(v, "kill-chain.risk-threshold");
                case "rule-id" -> ruleId = string(v, "kill-chain.rule-id");
                case "level" -> level = string(v, "kill-chain.level");
                case "max-detections" -> max = integer(v, "kill-chain.max-detections");
                case "weights" -> {
                    if (!(v instanceof Map<?, ?> wm))
                        throw new IllegalArgumentException("kill-chain.weights must be a map");
                    for (Map.Entry<?, ?> w : wm.entrySet()) {
                        weights.put(
                                String.valueOf(w.getKey()), number(w.getValue(), "kill-chain.weights." + w.getKey()));
                    }
                }
                case "entities" -> {
                    if (!(v instanceof Map<?, ?> em)) {
                        throw new IllegalArgumentException("kill-chain.entities must map entity types to field lists");
                    }
                    Map<String, List<String>> ents = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> x : em.entrySet()) {
                        String path = "kill-chain.entities." + x.getKey();
                        List<String> fields = new ArrayList<>();
                        if (x.getValue() instanceof String s) fields.add(s);
                        else if (x.getValue() instanceof List<?> l) for (Object o : l) fields.add(string(o, path));
                        else
                            throw new IllegalArgumentException(path + " must be a field name or a list of field names");
                        ents.put(String.valueOf(x.getKey()), fields);
                    }
                    entities = ents;
                }
                default -> throw new IllegalArgumentException("unknown kill-chain key '" + k + "'");
            }
        }
        return new KillChainConfig(window, minTactics, risk, weights, entities, ruleId, level, max);
    }

    /** Whether a YAML kill-chain section is switched on ({@code enabled: true}; absent means on). */
    public static boolean enabled(String yaml) {
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        if (doc instanceof Map<?, ?> root) {
            Object s = root.containsKey("kill-chain") ? root.get("kill-chain") : root;
            if (s instanceof Map<?, ?> m && m.get("enabled") instanceof Boolean b) return b;
        }
        return true;
    }

    private static Duration duration(Object v, String path) {
        try {
            return Duration.ofMillis(CorrelationPlan.timespanMillis(String.valueOf(v)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage());
        }
    }

    private static int integer(Object v, String path) {
        if (v instanceof Integer i) return i;
        if (v instanceof Long l && l <= Integer.MAX_VALUE && l >= Integer.MIN_VALUE) return (int) (long) l;
        throw new IllegalArgumentException(path + " must be an integer, got '" + v + "'");
    }

    private static double number(Object v, String path) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) return n.doubleValue();
        throw new IllegalArgumentException(path + " must be a number, got '" + v + "'");
    }

    private static String string(Object v, String path) {
        if (v instanceof String s && !s.isBlank()) return s;
        throw new IllegalArgumentException(path + " must be a non-empty string, got '" + v + "'");
    }
}
