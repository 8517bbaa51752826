package dev.vigil.server.detection.internal;

import dev.vigil.engine.CompileOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.LoadResult;
import dev.vigil.engine.LoaderOptions;
import dev.vigil.engine.Refusal;
import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.RuleLoader;
import dev.vigil.engine.RuleSet;
import dev.vigil.engine.correlate.CorrelationOptions;
import dev.vigil.engine.rule.CorrelationRule;
import dev.vigil.engine.rule.SigmaFilter;
import dev.vigil.engine.rule.SigmaRule;
import dev.vigil.server.detection.RuleRefusal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The running engine and how it is (re)built from the stored rules. Compiling is pure (no state touched): the caller
 * decides whether to {@link #swap} the result in. {@link Engine#swap} replaces the rule set atomically, so a batch
 * in flight finishes on the old set and the next one uses the new set; intake never stops.
 *
 * <p>Rule references: a rule is known by its Sigma {@code id}, else its {@code name}, else a stable hash of its file
 * and title ({@code nameless-...}); {@link Compiled#engineRefs} maps the engine's reference of each rule to ours.
 */
final class ActiveRules {
    private final RuleLoader loader = RuleLoader.create(LoaderOptions.defaults());
    private final CompileOptions compileOptions;
    private final EngineOptions engineOptions;
    private final CorrelationOptions correlationOptions;
    private final Consumer<Engine> onCreate;
    private volatile Engine engine;
    private volatile Compiled current;
    /** Parsed files by origin and content hash, so a reload re-parses only what changed. */
    private final Map<String, LoadResult> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    ActiveRules(Set<String> excludedStatuses) {
        this(excludedStatuses, EngineOptions.defaults(), CorrelationOptions.defaults(), e -> {});
    }

    /**
     * @param onCreate called once with the engine when the first rule set is swapped in, before it matches any event
     *     (the server restores the saved correlation state there)
     */
    ActiveRules(
            Set<String> excludedStatuses,
            EngineOptions engineOptions,
            CorrelationOptions correlationOptions,
            Consumer<Engine> onCreate) {
        this.compileOptions = new CompileOptions(true, Set.copyOf(excludedStatuses));
        this.engineOptions = engineOptions;
        this.correlationOptions = correlationOptions;
        this.onCreate = onCreate;
    }

    /** A compiled rule set with the refs of what is in it and what was refused. */
    record Compiled(
            RuleSet ruleSet,
            Set<String> activeRefs,
            Map<String, String> engineRefs,
            List<RuleRefusal> refused,
            int correlations,
            Instant compiledAt) {}

    /** A parsed file's items with our refs. */
    record Parsed(LoadResult result, List<Item> items) {}

    record Item(
            String ref,
            String kind,
            String title,
            String level,
            String status,
            List<String> tags,
            String product,
            String category,
            String service) {}

    Parsed parse(String origin, String yaml) {
        LoadResult r = parsed(origin, yaml, sha256(yaml));
        List<Item> items = new ArrayList<>();
        for (SigmaRule rule : r.rules()) {
            RuleInfo i = rule.info();
            items.add(new Item(
                    ref(i.id(), i.name(), origin, i.title()),
                    "rule",
                    nonNull(i.title()),
                    i.level(),
                    i.status(),
                    i.tags(),
                    i.logsource().product(),
                    i.logsource().category(),
                    i.logsource().service()));
        }
        for (SigmaFilter f : r.filters()) {
            items.add(new Item(
                    ref(f.id(), null, origin, f.title()),
                    "filter",
                    nonNull(f.title()),
                    null,
                    null,
                    List.of(),
                    f.logsource().product(),
                    f.logsource().category(),
                    f.logsource().service()));
        }
        for (CorrelationRule c : r.correlations()) {
            items.add(new Item(
                    ref(c.id(), c.name(), origin, c.title()),
                    "correlation",
                    nonNull(c.title()),
                    c.level(),
                    c.status(),
                    c.tags(),
                    null,
                    null,
                    null));
        }
        return new Parsed(r, items);
    }

    /**
     * Compiles the enabled stored rules. {@code files} are (origin, yaml); {@code enabled} maps each enabled ref to the
     * origin that owns it (a ref defined by two files belongs to the one imported last).
     */
    Compiled compile(List<RuleRepository.StoredFile> files, Map<String, String> enabled, Set<String> stored) {
        List<SigmaRule> rules = new ArrayList<>();
        List<SigmaFilter> filters = new ArrayList<>();
        List<CorrelationRule> correlations = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        Map<String, String> engineRefs = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (RuleRepository.StoredFile f : files) {
            keys.add(f.origin() + '\0' + f.sha256());
            LoadResult r = parsed(f.origin(), f.yaml(), f.sha256());
            for (SigmaRule rule : r.rules()) {
                RuleInfo i = rule.info();
                String ref = ref(i.id(), i.name(), f.origin(), i.title());
                if (f.origin().equals(enabled.get(ref))) {
                    rules.add(rule);
                    engineRefs.put(i.ref(), ref);
                }
            }
            for (SigmaFilter x : r.filters()) {
                if (f.origin().equals(enabled.get(ref(x.id(), null, f.origin(), x.title())))) {
                    filters.add(x);
                }
            }
            for (CorrelationRule c : r.correlations()) {
                String ref = ref(c.id(), c.name(), f.origin(), c.title());
                if (f.origin().equals(enabled.get(ref))) {
                    correlations.add(c);
                    engineRefs.put(c.id() != null ? c.id() : c.name() != null ? c.name() : ref, ref);
                }
            }
            for (Refusal x : r.refusals()) {
                if (stored.contains(x.ruleId())) {
                    refusals.add(x);
                }
            }
        }
        parsed.keySet().retainAll(keys);
        RuleSet set = RuleSet.compile(new LoadResult(rules, filters, correlations, refusals), compileOptions);
        Set<String> active = new HashSet<>();
        for (RuleInfo i : set.rules()) {
            active.add(engineRefs.getOrDefault(i.ref(), i.ref()));
        }
        Set<String> refusedRefs = new HashSet<>();
        List<RuleRefusal> refused = new ArrayList<>();
        for (Refusal x : set.refusals()) {
            String ref = engineRefs.getOrDefault(x.ruleId(), x.ruleId());
            refused.add(new RuleRefusal(x.file(), ref, x.yamlPath(), x.reason()));
            refusedRefs.add(ref);
        }
        for (CorrelationRule c : set.correlations()) {
            String ref = engineRefs.getOrDefault(c.id() != null ? c.id() : c.name(), c.id());
            if (ref != null && !refusedRefs.contains(ref)) {
                active.add(ref);
            }
        }
        return new Compiled(
                set,
                Set.copyOf(active),
                Map.copyOf(engineRefs),
                List.copyOf(refused),
                set.correlations().size(),
                Instant.now());
    }

    private LoadResult parsed(String origin, String yaml, String sha256) {
        return parsed.computeIfAbsent(origin + '\0' + sha256, k -> loader.loadText(origin, yaml));
    }

    /** Swaps {@code compiled} in; refuses an empty rule set. */
    synchronized void swap(Compiled compiled) {
        if (compiled.ruleSet().isEmpty()) {
            throw new IllegalStateException("refusing a reload that would leave zero active rules");
        }
        if (engine == null) {
            Engine created = Engine.create(compiled.ruleSet(), engineOptions, correlationOptions);
            current = compiled;
            onCreate.accept(created);
            engine = created;
        } else {
            engine.swap(compiled.ruleSet());
        }
        current = compiled;
    }

    /** The running engine, or null before the first rule set. */
    Engine engine() {
        return engine;
    }

    Compiled current() {
        return current;
    }

    /** Our ref of a rule the engine names {@code engineRef}. */
    String refOf(String engineRef) {
        Compiled c = current;
        if (c == null) {
            return engineRef;
        }
        String ref = c.engineRefs().get(engineRef);
        return ref == null ? engineRef : ref;
    }

    static String ref(String id, String name, String origin, String title) {
        if (id != null && !id.isBlank()) {
            return id.strip();
        }
        if (name != null && !name.isBlank()) {
            return name.strip();
        }
        return "nameless-" + sha256(origin + "#" + title).substring(0, 16);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nonNull(String title) {
        return title == null ? "(untitled)" : title;
    }
}
