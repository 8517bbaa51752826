package dev.vigil.server.detection.internal;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineOptions;
import dev.vigil.engine.MatchResult;
import dev.vigil.engine.RuleFailure;
import dev.vigil.engine.RuleInfo;
import dev.vigil.engine.event.Event;
import dev.vigil.server.detection.RuleEvaluator;
import dev.vigil.server.detection.RuleEvaluators;
import dev.vigil.server.detection.RuleMatch;
import dev.vigil.server.detection.RuleRefusal;
import dev.vigil.server.detection.RuleSelection;
import dev.vigil.server.normalize.IngestedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * Compiles rule selections the way {@link DefaultRuleService} compiles the live set ({@link ActiveRules#compile} over
 * the stored files), without swapping anything in. The active selection shares the live compiled rule set.
 */
@Service
class DefaultRuleEvaluators implements RuleEvaluators {
    private static final String UPLOAD_ORIGIN = "uploaded:retro-hunt";
    private static final int MAX_FIELD_VALUE = 4096;

    private final ActiveRules active;
    private final RuleRepository repository;

    DefaultRuleEvaluators(ActiveRules active, RuleRepository repository) {
        this.active = active;
        this.repository = repository;
    }

    @Override
    public RuleEvaluator compile(RuleSelection selection) {
        ActiveRules.Compiled compiled = switch (selection) {
            case RuleSelection.Active a -> {
                ActiveRules.Compiled c = active.current();
                if (c == null) {
                    throw new IllegalArgumentException("no rule set is active");
                }
                yield c;
            }
            case RuleSelection.Stored s -> stored(s.refs());
            case RuleSelection.Uploaded u -> uploaded(u.yaml());
        };
        if (compiled.ruleSet().isEmpty()) {
            StringBuilder why = new StringBuilder("no rule of the selection compiled");
            for (RuleRefusal r : compiled.refused()) {
                why.append("; ").append(r.ruleId()).append(": ").append(r.reason());
            }
            throw new IllegalArgumentException(why.toString());
        }
        return new CompiledEvaluator(compiled);
    }

    private ActiveRules.Compiled stored(List<String> refs) {
        Map<String, String> enabled = new HashMap<>();
        Set<String> all = new HashSet<>();
        Map<String, RuleRepository.StoredRule> byRef = new HashMap<>();
        for (RuleRepository.StoredRule r : repository.rules()) {
            all.add(r.ref());
            byRef.put(r.ref(), r);
            if (r.enabled() && "filter".equals(r.kind())) {
                enabled.put(r.ref(), r.origin());
            }
        }
        for (String ref : refs) {
            RuleRepository.StoredRule r = byRef.get(ref);
            if (r == null) {
                throw new IllegalArgumentException("no stored rule " + ref);
            }
            enabled.put(ref, r.origin());
        }
        return active.compile(repository.files(), enabled, all);
    }

    private ActiveRules.Compiled uploaded(String yaml) {
        ActiveRules.Parsed parsed = active.parse(UPLOAD_ORIGIN, yaml);
        if (parsed.items().isEmpty()) {
            StringBuilder why = new StringBuilder("the upload holds no Sigma rule");
            parsed.result().refusals().forEach(r -> why.append("; ").append(r.reason()));
            throw new IllegalArgumentException(why.toString());
        }
        Map<String, String> enabled = new HashMap<>();
        Set<String> all = new HashSet<>();
        for (RuleRepository.StoredRule r : repository.rules()) {
            all.add(r.ref());
            if (r.enabled() && "filter".equals(r.kind())) {
                enabled.put(r.ref(), r.origin());
            }
        }
        for (ActiveRules.Item i : parsed.items()) {
            enabled.put(i.ref(), UPLOAD_ORIGIN);
            all.add(i.ref());
        }
        List<RuleRepository.StoredFile> files = new ArrayList<>(repository.files());
        files.add(new RuleRepository.StoredFile(UPLOAD_ORIGIN, yaml, ActiveRules.sha256(yaml), Instant.EPOCH));
        return active.compile(files, enabled, all);
    }

    /** An evaluator over one compiled rule set. */
    private static final class CompiledEvaluator implements RuleEvaluator {
        private final ActiveRules.Compiled compiled;
        private final Engine engine;
        private final List<Rule> rules;
        private final Map<String, Long> failures = new ConcurrentHashMap<>();

        CompiledEvaluator(ActiveRules.Compiled compiled) {
            this.compiled = compiled;
            // correlations partitioned like the live engine's: stored exercise events never combine with production
            this.engine = Engine.create(
                    compiled.ruleSet(),
                    EngineOptions.defaults(),
                    dev.vigil.engine.correlate.CorrelationOptions.defaults()
                            .withPartition(DefaultDetectionService::correlationPartition));
            List<Rule> r = new ArrayList<>();
            for (RuleInfo i : compiled.ruleSet().rules()) {
                r.add(new Rule(refOf(i.ref()), i.title(), i.level()));
            }
            this.rules = List.copyOf(r);
        }

        private String refOf(String engineRef) {
            String ref = compiled.engineRefs().get(engineRef);
            return ref == null ? engineRef : ref;
        }

        @Override
        public List<Rule> rules() {
            return rules;
        }

        @Override
        public List<RuleRefusal> refused() {
            return compiled.refused();
        }

        @Override
        public List<RuleMatch> evaluate(List<IngestedEvent> events) {
            List<Event> batch = new ArrayList<>(events.size());
            for (IngestedEvent e : events) {
                batch.add(DefaultDetectionService.eventOf(e));
            }
            MatchResult result = engine.match(batch);
            for (RuleFailure f : result.errors()) {
                failures.merge(refOf(f.ruleId()), 1L, Long::sum);
            }
            List<RuleMatch> out = new ArrayList<>(result.detections().size());
            for (Detection d : result.detections()) {
                Map<String, String> matched = new LinkedHashMap<>();
                if (d.matchedFields() != null) {
                    d.matchedFields().forEach((k, v) -> {
                        String s = String.valueOf(v);
                        matched.put(k, s.length() > MAX_FIELD_VALUE ? s.substring(0, MAX_FIELD_VALUE) : s);
                    });
                }
                out.add(new RuleMatch(refOf(d.ruleId()), d.ruleTitle(), d.level(), d.eventIndex(), matched));
            }
            return out;
        }

        @Override
        public Map<String, Long> failures() {
            return Map.copyOf(failures);
        }
    }
}
