package dev.vigil.engine;

import dev.vigil.engine.rule.CorrelationRule;
import dev.vigil.engine.rule.SigmaFilter;
import dev.vigil.engine.rule.SigmaRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link RuleLoader} read: parsed detection rules, filters (meta-rules) and correlation rules, and every
 * document it refused. Compile it into a {@link RuleSet}. Lists are immutable, in load order.
 */
public record LoadResult(
        List<SigmaRule> rules, List<SigmaFilter> filters, List<CorrelationRule> correlations, List<Refusal> refusals) {

    public LoadResult {
        rules = List.copyOf(rules);
        filters = List.copyOf(filters);
        correlations = List.copyOf(correlations);
        refusals = List.copyOf(refusals);
    }

    /** Both results together (e.g. two rule folders loaded separately). Duplicate ids are not re-checked. */
    public LoadResult plus(LoadResult other) {
        List<SigmaRule> r = new ArrayList<>(rules);
        r.addAll(other.rules);
        List<SigmaFilter> f = new ArrayList<>(filters);
        f.addAll(other.filters);
        List<CorrelationRule> c = new ArrayList<>(correlations);
        c.addAll(other.correlations);
        List<Refusal> x = new ArrayList<>(refusals);
        x.addAll(other.refusals);
        return new LoadResult(r, f, c, x);
    }
}
