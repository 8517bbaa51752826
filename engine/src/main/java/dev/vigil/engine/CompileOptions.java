package dev.vigil.engine;

import java.util.Set;

/**
 * How {@link RuleSet#compile} builds a rule set.
 *
 * @param applyFilters whether loaded filters are AND-ed into the rules they name (default true)
 * @param excludedStatuses rules with one of these statuses are left out, listed as refusals (default none)
 */
public record CompileOptions(boolean applyFilters, Set<String> excludedStatuses) {
    public CompileOptions {
        excludedStatuses = excludedStatuses == null ? Set.of() : Set.copyOf(excludedStatuses);
    }

    public static CompileOptions defaults() {
        return new CompileOptions(true, Set.of());
    }
}
