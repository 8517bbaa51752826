package dev.vigil.server.detection;

import java.util.List;

/**
 * What an import did. {@code refused} lists every rule that was not imported with its reason; {@code activeRules}
 * is the size of the compiled rule set after the reload that followed the import.
 */
public record ImportResult(
        int files, int added, int updated, int unchanged, int removed, List<RuleRefusal> refused, int activeRules) {}
