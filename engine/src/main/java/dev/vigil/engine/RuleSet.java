package dev.vigil.engine;

import dev.vigil.engine.compile.CompiledRule;
import dev.vigil.engine.compile.FieldTable;
import dev.vigil.engine.compile.Router;
import dev.vigil.engine.compile.RuleCompiler;
import dev.vigil.engine.correlate.CorrelationPlan;
import dev.vigil.engine.rule.CorrelationRule;
import dev.vigil.engine.rule.RuleException;
import dev.vigil.engine.rule.SigmaFilter;
import dev.vigil.engine.rule.SigmaRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable, compiled set of Sigma rules: what an {@link Engine} matches with. Built once from a {@link
 * LoadResult} (filters applied, rules lowered to predicate trees over interned field ids, routing partitions
 * precomputed) and swapped into an engine atomically. Thread-safe.
 *
 * <p>For a candidate index: {@link #compiled()} gives each rule's {@link CompiledRule#leaves()} (field id, operator,
 * literal) and {@link #fields()} the field-id table; {@link #router()} the logsource partition.
 */
public final class RuleSet {
    private final List<CompiledRule> compiled;
    private final List<RuleInfo> infos;
    private final List<Refusal> refusals;
    private final List<CorrelationRule> correlations;
    private final List<SigmaFilter> filters;
    private final FieldTable fields;
    private final Router router;
    private final CorrelationPlan correlationPlan;

    private RuleSet(
            List<CompiledRule> compiled,
            List<Refusal> refusals,
            List<CorrelationRule> correlations,
            List<SigmaFilter> filters,
            FieldTable fields) {
        this.compiled = List.copyOf(compiled);
        List<RuleInfo> is = new ArrayList<>(compiled.size());
        for (CompiledRule r : compiled) is.add(r.info());
        this.infos = Collections.unmodifiableList(is);
        this.correlations = List.copyOf(correlations);
        this.filters = List.copyOf(filters);
        this.fields = fields;
        this.router = new Router(this.compiled);
        this.correlationPlan = CorrelationPlan.compile(correlations, is);
        if (!correlationPlan.refusals().isEmpty()) {
            List<Refusal> all = new ArrayList<>(refusals);
            all.addAll(correlationPlan.refusals());
            this.refusals = List.copyOf(all);
        } else {
            this.refusals = List.copyOf(refusals);
        }
    }

    /** Compiles loaded rules. Rules that cannot be compiled join the load refusals; the rest are kept. */
    public static RuleSet compile(LoadResult loaded, CompileOptions options) {
        CompileOptions opts = options == null ? CompileOptions.defaults() : options;
        FieldTable.Builder fb = new FieldTable.Builder();
        RuleCompiler compiler = new RuleCompiler(fb);
        List<CompiledRule> out = new ArrayList<>(loaded.rules().size());
        List<Refusal> refusals = new ArrayList<>(loaded.refusals());
        List<SigmaFilter> filters = opts.applyFilters() ? loaded.filters() : List.of();
        Set<SigmaFilter> usedFilters = new HashSet<>();
        for (SigmaRule rule : loaded.rules()) {
            RuleInfo info = rule.info();
            if (info.status() != null && opts.excludedStatuses().contains(info.status())) {
                refusals.add(
                        new Refusal(info.file(), info.ref(), "status", "status '" + info.status() + "' is excluded"));
                continue;
            }
            List<SigmaFilter> applicable = new ArrayList<>();
            for (SigmaFilter f : filters) {
                if (applies(f, info)) {
                    applicable.add(f);
                    usedFilters.add(f);
                }
            }
            try {
                out.add(compiler.compile(out.size(), rule, applicable));
            } catch (RuleException e) {
                refusals.add(new Refusal(info.file(), info.id() == null ? "-" : info.id(), e.yamlPath(), e.reason()));
            } catch (RuntimeException e) {
                refusals.add(new Refusal(
                        info.file(), info.id() == null ? "-" : info.id(), "", "internal error while compiling: " + e));
            }
        }
        for (SigmaFilter f : filters) {
            if (!usedFilters.contains(f) && !f.anyRule()) {
                refusals.add(new Refusal(
                        f.file(),
                        f.id() == null ? "-" : f.id(),
                        "filter.rules",
                        "filter applies to no loaded rule (rules " + f.rules() + ", logsource " + f.logsource() + ")"));
            }
        }
        return new RuleSet(out, refusals, loaded.correlations(), filters, fb.build());
    }

    /** A rule set from already compiled rules (tools and tests; indexes must be 0..n-1 in order). */
    static RuleSet of(List<CompiledRule> compiled, FieldTable fields) {
        for (int i = 0; i < compiled.size(); i++) {
            if (compiled.get(i).index() != i)
                throw new IllegalArgumentException(
                        "rule " + i + " has index " + compiled.get(i).index());
        }
        return new RuleSet(compiled, List.of(), List.of(), List.of(), fields);
    }

    /** pySigma: the filter's logsource covers the rule's, and the rule is named (by id, name or title) or any. */
    static boolean applies(SigmaFilter f, RuleInfo rule) {
        if (!f.logsource().covers(rule.logsource())) return false;
        if (f.anyRule()) return true;
        for (String ref : f.rules()) {
            if (ref.equals(rule.id()) || ref.equals(rule.name()) || ref.equals(rule.title())) return true;
        }
        return false;
    }

    /** Number of compiled rules. */
    public int size() {
        return compiled.size();
    }

    public boolean isEmpty() {
        return compiled.isEmpty();
    }

    /** Descriptions of the compiled rules, in rule-index order. */
    public List<RuleInfo> rules() {
        return infos;
    }

    /** Load and compile refusals. */
    public List<Refusal> refusals() {
        return refusals;
    }

    /** Correlation rules as loaded (compiled by {@code dev.vigil.engine.correlate}). */
    public List<CorrelationRule> correlations() {
        return correlations;
    }

    /** The correlation rules compiled against this set's rules (refused ones are in {@link #refusals()}). */
    public CorrelationPlan correlationPlan() {
        return correlationPlan;
    }

    /** The filters that were applied. */
    public List<SigmaFilter> filters() {
        return filters;
    }

    /** The compiled rules, index {@code i} at position {@code i}. */
    public List<CompiledRule> compiled() {
        return compiled;
    }

    public CompiledRule rule(int index) {
        return compiled.get(index);
    }

    /** Field-id table of this set. */
    public FieldTable fields() {
        return fields;
    }

    /** Logsource partition of this set. */
    public Router router() {
        return router;
    }
}
